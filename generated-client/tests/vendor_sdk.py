#!/usr/bin/env python3
"""Drives the vendor's own Python SDK (PyPI `segmind`, pinned in .ci/run)
against the mock, as a user testing their integration would.

    SEGMIND_MOCK_URL=http://127.0.0.1:PORT SEGMIND_API_KEY=<a key the mock accepts> \
        python3 generated-client/tests/vendor_sdk.py

Run by tests/outside_tools.rs, which starts `segmind-mock --key ...` on a
free port. Only that loopback origin is called. Covers v1 (`run_sync`: raw
bytes, base64 JSON, several samples, a JSON model), v2 (`run`,
`submit_async` + `status()` + `wait()` + `result()`), the output URL, and
the error paths (bad key, invalid body, unknown model, insufficient credits,
rate limit, a failed job). Prints one line per check; exits non-zero naming
each failure. The key is never printed.
"""

import base64
import os
import struct
import sys

import httpx
from segmind import SegmindClient
from segmind.exceptions import SegmindError
from segmind.v2 import InferenceFailed

ORIGIN = os.environ["SEGMIND_MOCK_URL"].rstrip("/")
KEY = os.environ["SEGMIND_API_KEY"]
PROMPT = "a lighthouse at dawn"
PNG = b"\x89PNG\r\n\x1a\n"

failures = []


def check(name, condition, detail=""):
    print(("ok    " if condition else "FAIL  ") + name + (f": {detail}" if detail and not condition else ""))
    if not condition:
        failures.append(name)


def png_size(data):
    """(width, height) from a PNG's IHDR chunk."""
    if not data.startswith(PNG):
        return None
    return struct.unpack(">II", data[16:24])


def expect_error(name, status, call, mentions=None):
    """`call` raises SegmindError with `status` (and `mentions` in its detail)."""
    try:
        call()
    except SegmindError as error:
        detail = error.detail or ""
        good = error.status == status and (mentions is None or mentions in detail)
        check(name, good, f"status {error.status}, detail {detail!r}")
        if KEY in str(detail):
            check(name + " (no key in the message)", False)
        return
    check(name, False, "no error raised")


def fault(client, slug, text):
    """Scripts one fault on the mock's admin route."""
    response = httpx.post(f"{ORIGIN}/mock/faults", json={"slug": slug, "times": 1, "fault": text})
    response.raise_for_status()


def main():
    client = SegmindClient(api_key=KEY, base_url=f"{ORIGIN}/v1", timeout=30.0)

    # v1: one image, raw bytes, at the spec's default size (1024x1024).
    response = client.run_sync("ssd-1b", prompt=PROMPT, seed=7)
    check("v1 run_sync answers a PNG", response.headers["content-type"] == "image/png")
    check("v1 image has the spec's default size", png_size(response.content) == (1024, 1024),
          str(png_size(response.content)))
    check("v1 carries x-remaining-credits", "x-remaining-credits" in response.headers)
    again = client.run_sync("ssd-1b", prompt=PROMPT, seed=7)
    check("v1 same request, same bytes", again.content == response.content)

    # v1: base64 JSON, asked for; a whole-number float and nulls are read
    # as the document says (an integer; not sent).
    encoded = client.run_sync("ssd-1b", prompt=PROMPT, seed=7, base64=True).json()
    check("v1 base64 answer decodes to the same image",
          base64.b64decode(encoded["image"]) == response.content)
    several = client.run_sync("ssd-1b", prompt=PROMPT, seed=7, samples=2.0, scheduler=None).json()
    check("v1 samples=2.0 gives two images", isinstance(several["image"], list) and len(several["image"]) == 2)
    sized = client.run_sync("sd1.5-img2img", prompt=PROMPT, image="https://example.com/in.png",
                            img_width=768.0, seed=None)
    check("v1 img_width=768.0 is 768 wide", png_size(sized.content)[0] == 768, str(png_size(sized.content)))

    # v1: a JSON model.
    document = client.run_sync("llama-v3p1-8b-instruct",
                               messages=[{"role": "user", "content": "hello"}]).json()
    check("v1 JSON model answers JSON", document.get("mock") is True, str(document)[:200])

    # v2: run (submit, poll, result) and the output URL.
    result = client.run("ssd-1b", prompt=PROMPT, seed=8)
    check("v2 run completes", result.get("status") == "COMPLETED", str(result)[:200])
    output = result.get("output")
    check("v2 output is a URL on the mock", isinstance(output, str) and output.startswith(ORIGIN), str(output))
    if isinstance(output, str) and output.startswith(ORIGIN):
        image = httpx.get(output)  # no key: a storage URL
        check("v2 output URL serves the image", image.status_code == 200 and png_size(image.content) == (1024, 1024))

    # v2: submit_async, status() while it runs, wait(), result().
    job = client.submit_async("ssd-1b", prompt=PROMPT, seed=9)
    first = job.status()
    check("v2 status() before completion", first.get("status") in ("QUEUED", "PROCESSING"), str(first))
    done = job.wait(timeout=30, interval=0.05)
    check("v2 wait() ends COMPLETED", done.get("status") == "COMPLETED", str(done)[:200])
    check("v2 result() after wait", job.result().get("status") == "COMPLETED")

    # Error paths, as the SDK reports them.
    stranger = SegmindClient(api_key="not-a-key-the-mock-accepts", base_url=f"{ORIGIN}/v1")
    expect_error("v1 unknown key is 401", 401, lambda: stranger.run_sync("ssd-1b", prompt=PROMPT))
    expect_error("v2 unknown key is 401", 401, lambda: stranger.submit_async("ssd-1b", prompt=PROMPT))
    expect_error("v1 out-of-range samples is 400 naming it", 400,
                 lambda: client.run_sync("ssd-1b", prompt=PROMPT, samples=99), "`samples`")
    expect_error("v1 fractional integer is 400 naming it", 400,
                 lambda: client.run_sync("ssd-1b", prompt=PROMPT, num_inference_steps=30.5),
                 "`num_inference_steps`")
    expect_error("v1 missing prompt is 400", 400, lambda: client.run_sync("ssd-1b", seed=1), "prompt")
    expect_error("v1 null for a required parameter is 400", 400,
                 lambda: client.run_sync("ssd-1b", prompt=None), "prompt")
    expect_error("v1 unknown model is 404", 404, lambda: client.run_sync("no-such-model", prompt=PROMPT))
    expect_error("v2 invalid body is 400", 400,
                 lambda: client.submit_async("ssd-1b", prompt=PROMPT, samples=0), "`samples`")
    fault(client, "ssd-1b", "406")
    expect_error("v1 insufficient credits is 406", 406, lambda: client.run_sync("ssd-1b", prompt=PROMPT))
    fault(client, "ssd-1b", "429,retry-after=1")
    expect_error("v1 rate limited is 429", 429, lambda: client.run_sync("ssd-1b", prompt=PROMPT))
    fault(client, "ssd-1b", "fail-job")
    job = client.submit_async("ssd-1b", prompt=PROMPT, seed=10)
    try:
        job.wait(timeout=30, interval=0.05)
        check("v2 failed job raises InferenceFailed", False, "wait() returned")
    except InferenceFailed as error:
        check("v2 failed job raises InferenceFailed", "failed" in (error.detail or ""), str(error.detail))

    print(f"vendor SDK against the mock: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
