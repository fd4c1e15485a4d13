"""An outside MCP client for `segmind mcp`: the official Python SDK (`mcp`,
pinned in .ci/run) starts the server over stdio, lists its tools and calls
one against the mock. Run by tests/mcp.rs:

    python3 mcp_client.py SEGMIND_BINARY EXPECTED_TOOL_COUNT

with SEGMIND_API_KEY and SEGMIND_BASE_URL in the environment. Prints one
JSON line of what it saw; exits non-zero on any mismatch.
"""

import asyncio
import base64
import json
import os
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


async def main(binary: str, expected: int) -> dict:
    params = StdioServerParameters(
        command=binary,
        args=["mcp"],
        env={
            "SEGMIND_API_KEY": os.environ["SEGMIND_API_KEY"],
            "SEGMIND_BASE_URL": os.environ["SEGMIND_BASE_URL"],
            "PATH": os.environ.get("PATH", ""),
        },
    )
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write, read_timeout_seconds=60) as session:
            init = await session.initialize()
            assert init.server_info.name == "segmind", init
            protocol = init.protocol_version
            tools = (await session.list_tools()).tools
            names = [tool.name for tool in tools]
            assert len(tools) == expected, (len(tools), names)
            ssd = next(tool for tool in tools if tool.name == "ssd-1b")
            steps = ssd.input_schema["properties"]["num_inference_steps"]
            assert (steps["minimum"], steps["maximum"]) == (20, 100), steps

            result = await session.call_tool("ssd-1b", {"prompt": "a lighthouse"})
            assert not result.is_error, result
            image = result.content[0]
            assert image.type == "image" and image.mime_type == "image/png", image
            png = base64.b64decode(image.data)
            assert png.startswith(b"\x89PNG"), png[:8]

            refused = await session.call_tool(
                "ssd-1b", {"prompt": "a fox", "guidance_scale": 99}
            )
            assert refused.is_error, refused
            message = refused.content[0].text
            assert "guidance_scale" in message, message

            return {
                "protocol": protocol,
                "tools": len(tools),
                "image_bytes": len(png),
                "refusal": message,
            }


if __name__ == "__main__":
    summary = asyncio.run(main(sys.argv[1], int(sys.argv[2])))
    print(json.dumps(summary))
