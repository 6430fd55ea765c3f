import { useCallback, useEffect, useRef } from "react";

import { useApi } from "../../api/context";
import { fetchAssetBlob } from "./api/lessons";
import type { ImageResolver } from "./editorExtensions";

const PREFIX = "assets/";

/** Course images as object URLs, fetched once each with the author's token; freed on leave. */
export function useImageResolver(courseId: string): ImageResolver {
  const { client } = useApi();
  const urls = useRef(new Map<string, Promise<string | null>>());
  useEffect(() => {
    const cache = urls.current;
    return () => {
      for (const url of cache.values()) void url.then((u) => u !== null && URL.revokeObjectURL(u));
      cache.clear();
    };
  }, []);
  return useCallback(
    (src: string) => {
      if (!src.startsWith(PREFIX)) return Promise.resolve(null); // not a course image: never fetched
      let found = urls.current.get(src);
      if (found === undefined) {
        found = fetchAssetBlob(client, courseId, src.slice(PREFIX.length))
          .then((blob) => URL.createObjectURL(blob))
          .catch(() => null);
        urls.current.set(src, found);
      }
      return found;
    },
    [client, courseId],
  );
}
