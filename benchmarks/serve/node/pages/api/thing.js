// DELETE /api/thing without credentials: 401, WWW-Authenticate: Basic, a problem body,
// as nextresp's seed handler answers it.
export default function handler(req, res) {
  if (req.method === "DELETE" && !req.headers.authorization) {
    res.setHeader("WWW-Authenticate", "Basic");
    res.setHeader("Content-Type", "application/problem+json");
    res.status(401).send(
      JSON.stringify({
        type: "about:blank",
        title: "Unauthorized",
        status: 401,
        detail: "Authentication required",
      }),
    );
    return;
  }
  res.status(200).json({ hello: "world" });
}
