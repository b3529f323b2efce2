// Read a UI message stream the way useChat does: the AI SDK's DefaultChatTransport
// POSTs the chat and parses the answer into chunks, and readUIMessageStream builds
// the assistant message from them. Prints one JSON object: the response's status
// and headers, every chunk, every error, and the final message.
import { DefaultChatTransport, readUIMessageStream } from "ai";

const url = process.argv[2];
let response;
const transport = new DefaultChatTransport({
  api: url,
  fetch: async (input, init) => {
    response = await fetch(input, init);
    return response;
  },
});
const chunks = [];
const errors = [];
const result = { chunks, errors };
try {
  const stream = await transport.sendMessages({
    chatId: "chat-1",
    messageId: undefined,
    trigger: "submit-message",
    messages: [
      { id: "m1", role: "user", parts: [{ type: "text", text: "Hello" }] },
    ],
    abortSignal: undefined,
  });
  const recorded = stream.pipeThrough(
    new TransformStream({
      transform(chunk, controller) {
        chunks.push(chunk);
        controller.enqueue(chunk);
      },
    }),
  );
  let message = null;
  for await (const snapshot of readUIMessageStream({
    stream: recorded,
    onError: (error) => errors.push(String(error && error.message ? error.message : error)),
  })) {
    message = snapshot;
  }
  result.message = message;
} catch (error) {
  errors.push(String(error && error.message ? error.message : error));
}
if (response) {
  result.status = response.status;
  result.headers = Object.fromEntries(response.headers.entries());
}
process.stdout.write(JSON.stringify(result));
