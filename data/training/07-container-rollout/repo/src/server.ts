import express from "express";

const app = express();

app.get("/healthz", (_req, res) => res.send("ok"));

app.listen(3000, () => console.log("checkout listening on 3000"));
