import { useEffect, useRef, useState, type FormEvent } from "react";

import { errorMessage } from "../../../api/errors";
import { useLiveRequest, useLiveStatus } from "../../../live/context";
import type { Lesson } from "../../lessons/api/lessons";
import type { ChatMessage } from "../api/chat";
import { ProposedEdits } from "./ProposedEdits";

const TEXT_MAX = 4000;

const BUBBLES: Record<string, string> = {
  user: "ml-6 bg-indigo-50 text-indigo-950",
  assistant: "mr-6 bg-white text-slate-900",
  system: "bg-amber-50 text-amber-950",
};

/**
 * The AI chat beside the editor: the lesson's conversation, replies streaming in, and the
 * edits the AI proposed, each shown as a diff to accept or reject.
 */
export function ChatPanel({
  courseId,
  lesson,
  messages,
  writing,
  historyError,
  mayChat,
  mayEdit,
  onAccepted,
}: {
  courseId: string;
  lesson: Lesson;
  messages: readonly ChatMessage[];
  writing: readonly { id: string; text: string }[];
  historyError: unknown;
  mayChat: boolean;
  mayEdit: boolean;
  onAccepted: (lesson: Lesson) => void;
}) {
  const request = useLiveRequest();
  const live = useLiveStatus() === "live";
  const [text, setText] = useState("");
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => {
    // Braces: newer Chromium returns a promise from scrollIntoView, never an effect's result.
    end.current?.scrollIntoView?.({ block: "nearest" });
  }, [messages.length, writing]);

  async function send(event: FormEvent) {
    event.preventDefault();
    const question = text.trim();
    if (question === "") return;
    setSending(true);
    setProblem(null);
    try {
      await request({ type: "chat.send", course_id: courseId, lesson_id: lesson.id, text: question });
      setText("");
    } catch (caught) {
      setProblem(errorMessage(caught));
    } finally {
      setSending(false);
    }
  }

  return (
    <aside aria-labelledby="chat-heading" className="flex flex-col gap-3 rounded-lg bg-slate-100 p-3">
      <h2 id="chat-heading" className="text-lg font-semibold">
        AI assistant
      </h2>
      {historyError !== null && <p role="alert">Could not load the conversation: {errorMessage(historyError)}</p>}
      <div role="log" aria-label="Conversation" aria-live="polite" className="max-h-[28rem] overflow-y-auto">
        <ol className="space-y-2">
          {messages.length === 0 && writing.length === 0 && (
            <li className="text-sm text-slate-600">Ask for an explanation, an example, or an edit of this lesson.</li>
          )}
          {messages.map((message) => (
            <li key={message.id} className={`whitespace-pre-wrap rounded-md p-2 text-sm shadow-sm ${BUBBLES[message.role] ?? ""}`}>
              <span className="sr-only">{message.role === "user" ? "Question" : message.role === "assistant" ? "Answer" : "Notice"}: </span>
              {message.content}
            </li>
          ))}
          {writing.map((reply) => (
            <li key={reply.id} aria-busy="true" className={`whitespace-pre-wrap rounded-md p-2 text-sm shadow-sm ${BUBBLES.assistant}`}>
              <span className="sr-only">Answer, being written: </span>
              {reply.text}
              <span aria-hidden="true" className="ml-1 animate-pulse">▍</span>
            </li>
          ))}
          <li ref={end} aria-hidden="true" />
        </ol>
      </div>
      <ProposedEdits courseId={courseId} lesson={lesson} mayEdit={mayEdit} onAccepted={onAccepted} />
      {mayChat ? (
        <form onSubmit={(e) => void send(e)} className="space-y-2">
          <label className="block text-sm font-medium text-slate-700">
            Message
            <textarea
              className="mt-1 w-full rounded-md border border-slate-300 p-2 text-sm"
              rows={3}
              maxLength={TEXT_MAX}
              value={text}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void send(e);
              }}
            />
          </label>
          {problem !== null && (
            <p role="alert" className="text-sm text-red-800">
              Not sent: {problem}
            </p>
          )}
          <button
            type="submit"
            disabled={sending || !live || text.trim() === ""}
            className="rounded-md bg-indigo-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-800 disabled:opacity-50"
          >
            {sending ? "Sending…" : "Send"}
          </button>
          {!live && <p className="text-sm text-slate-600">Sending needs the live connection.</p>}
        </form>
      ) : (
        <p className="text-sm text-slate-600">Your role on this course can read the conversation, not write in it.</p>
      )}
    </aside>
  );
}
