def handler(req, res):
    res.json({"method": req.method})
