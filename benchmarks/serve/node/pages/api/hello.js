// GET /api/hello: the seed's first handler as Next.js's pages/api writes it.
export default function handler(req, res) {
  res.status(200).json({ name: "Next.js" });
}
