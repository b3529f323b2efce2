// A typed client of the OpenAPI test tree: each route called once with
// openapi-fetch, on the types openapi-typescript made of the served document.
// tsc type-checks it (strict); node then runs it against a real server and
// prints what each call answered, which the Python test compares.
import createClient from "openapi-fetch";

declare const process: { argv: string[] };
import type { components, paths } from "./api.js";

type Todo = components["schemas"]["Todo"];

const client = createClient<paths>({ baseUrl: process.argv[2] });
const seen: Record<string, unknown> = {};

const health = await client.GET("/api/health");
const up: boolean | undefined = health.data?.ok;
seen.health = [health.response.status, up, health.data?.version];

const listed = await client.GET("/api/todos", {
  params: { query: { page: 2, tags: ["a", "b"] } },
});
const todos: Todo[] | undefined = listed.data;
seen.list = [listed.response.status, todos?.[0]?.id];

const created = await client.POST("/api/todos", { body: { title: "ship" } });
seen.create = [created.response.status, created.data?.title, created.data?.done];

// @ts-expect-error: title is required, and the types know it
const refused = await client.POST("/api/todos", { body: { done: true } });
const problem = refused.error;
// 422 is a validation problem: its errors point at the fields.
const pointer = problem && "errors" in problem ? problem.errors[0]?.pointer : null;
seen.invalid = [refused.response.status, problem?.status, pointer];

const one = await client.GET("/api/todos/{id}", { params: { path: { id: 7 } } });
const id: number | undefined = one.data?.id;
seen.read = [one.response.status, id];

const missing = await client.GET("/api/todos/{id}", { params: { path: { id: 0 } } });
seen.missing = [missing.response.status, missing.error?.status, missing.error?.detail];

const gone = await client.GET("/api/todos/{id}", { params: { path: { id: 9 } } });
seen.gone = [gone.response.status, gone.error?.type];

const patched = await client.PATCH("/api/todos/{id}", {
  params: { path: { id: 3 } },
  body: { done: true },
});
seen.patch = [patched.response.status, patched.data?.done];

const deleted = await client.DELETE("/api/todos/{id}", { params: { path: { id: 3 } } });
seen.delete = [deleted.response.status];

const page = await client.GET("/api/docs/{slug}", {
  params: { path: { slug: "guide" } },
});
const words: number | undefined = page.data?.words;
seen.docs = [page.response.status, page.data?.path, words];

const root = await client.GET("/api/files");
const folder = await client.GET("/api/files/{path}", {
  params: { path: { path: "photos" } },
});
seen.files = [root.response.status, root.data, folder.data];

const found = await client.GET("/api/other/search", {
  params: { query: { q: "docs" } },
});
seen.search = [found.response.status, found.data?.q, found.data?.limit];

const events = await client.GET("/api/events", { parseAs: "text" });
seen.events = [events.response.status, events.response.headers.get("content-type")];

const lines = await client.GET("/api/lines", { parseAs: "text" });
seen.lines = [lines.response.status, lines.data];

const anything = await client.PUT("/api/other/anything");
seen.anything = [anything.response.status, anything.data];

console.log(JSON.stringify(seen));
