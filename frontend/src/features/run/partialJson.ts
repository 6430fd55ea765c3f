type Frame = { kind: "{" | "["; expectKey: boolean };

const closersOf = (stack: readonly Frame[]): string =>
  stack
    .map((frame) => (frame.kind === "{" ? "}" : "]"))
    .reverse()
    .join("");

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The value a JSON text is on its way to, from as much of it as has arrived: whatever is open
 * is closed, a string value being written is shown so far, and a key or number still being
 * written is left out. `undefined` until the text holds a container.
 */
export function parsePartialJson(text: string): unknown {
  const stack: Frame[] = [];
  let inString = false;
  let escaped = false;
  let stringIsKey = false;
  // The longest prefix that ends on a whole value (or an opening bracket), closed.
  let complete: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (char === "\\") escaped = true;
      else if (char === '"') {
        inString = false;
        if (!stringIsKey) complete = text.slice(0, i + 1) + closersOf(stack);
      }
      continue;
    }
    const top = stack.at(-1);
    switch (char) {
      case '"':
        inString = true;
        stringIsKey = top?.kind === "{" && top.expectKey;
        break;
      case "{":
      case "[":
        stack.push({ kind: char, expectKey: char === "{" });
        complete = text.slice(0, i + 1) + closersOf(stack);
        break;
      case "}":
      case "]":
        stack.pop();
        complete = text.slice(0, i + 1) + closersOf(stack);
        break;
      case ":":
        if (top !== undefined) top.expectKey = false;
        break;
      case ",":
        complete = text.slice(0, i) + closersOf(stack); // the value before it is whole
        if (top?.kind === "{") top.expectKey = true;
        break;
      default:
        break;
    }
  }
  if (inString && !stringIsKey) {
    // A value half written: shown as far as it goes (a dangling escape left out).
    const sofar = escaped ? text.slice(0, -1) : text;
    const value = parsed(`${sofar}"${closersOf(stack)}`);
    if (value !== undefined) return value;
  }
  return complete === null ? undefined : parsed(complete);
}
