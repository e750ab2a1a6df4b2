#!/usr/bin/env python3
"""Checks that every module a target imports is declared in Package.swift.

SwiftPM's --explicit-target-dependency-import-check sees only this package's own targets; a module
of another package that a target imports without declaring it compiles only because some declared
dependency happens to bring it along, and breaks when that one changes. This compares each
target's `import` lines with its declared dependencies (`swift package dump-package`) and prints
every undeclared one. Exit status 1 when there is any.
"""
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Modules of the toolchain and the platform, never declared.
PLATFORM = {"Foundation", "FoundationEssentials", "FoundationNetworking", "FoundationXML", "Dispatch", "Glibc", "Musl", "Darwin",
            "Synchronization", "XCTest", "Testing", "_Concurrency", "os", "CoreFoundation", "RegexBuilder",
            "Observation", "_StringProcessing", "Android", "WinSDK"}
IMPORT = re.compile(r"^\s*(?:@[\w]+(?:\([^)]*\))?\s+)*(?:public\s+|internal\s+|package\s+|private\s+|fileprivate\s+)?"
                    r"import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_][\w]*)")


def main():
    manifest = json.loads(subprocess.run(["swift", "package", "dump-package"], cwd=ROOT, check=True,
                                         capture_output=True, text=True).stdout)
    problems = []
    for target in manifest["targets"]:
        if target["type"] in ("system", "binary", "plugin"):
            continue
        declared = {target["name"]}
        for dependency in target["dependencies"]:
            for kind in ("byName", "product", "target"):
                if kind in dependency:
                    declared.add(dependency[kind][0])
        default_root = "Tests" if target["type"] == "test" else "Sources"
        path = ROOT / (target.get("path") or f"{default_root}/{target['name']}")
        for source in sorted(path.rglob("*.swift")):
            in_block_comment = False
            for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
                if "/*" in line and "*/" not in line:
                    in_block_comment = True
                if in_block_comment:
                    in_block_comment = "*/" not in line
                    continue
                match = IMPORT.match(line)
                if not match or line.lstrip().startswith("//"):
                    continue
                module = match.group(1)
                if module not in declared and module not in PLATFORM:
                    problems.append(f"{source.relative_to(ROOT)}:{number}: target {target['name']} imports {module}, "
                                    f"which its dependencies in Package.swift do not name")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} undeclared imports (fix: add the product to the target's dependencies)")
        return 1
    print("every imported module is declared")
    return 0


if __name__ == "__main__":
    sys.exit(main())
