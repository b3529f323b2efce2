def GET(req, res):
    res.ndjson(iter([{"n": 1}, {"n": 2}]))
