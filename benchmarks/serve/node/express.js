// The seed's two handlers under Express 5, one process, on $PORT of 127.0.0.1.
const express = require("express");

const app = express();

app.get("/api/hello", (req, res) => {
  res.status(200).json({ name: "Next.js" });
});

app.delete("/api/thing", (req, res) => {
  if (!req.headers.authorization) {
    res.set("WWW-Authenticate", "Basic");
    res
      .status(401)
      .type("application/problem+json")
      .send(
        JSON.stringify({
          type: "about:blank",
          title: "Unauthorized",
          status: 401,
          detail: "Authentication required",
        }),
      );
    return;
  }
  res.status(204).end();
});

app.listen(Number(process.env.PORT || 3001), "127.0.0.1");
