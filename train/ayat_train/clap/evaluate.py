"""The retrieval table: each checkpoint's top-1/5/10 on dev clips never trained on, over all 6,236
verses and over the 789 of surahs 1-5 (the original QuranCLAP's set), per reciter group."""
from __future__ import annotations

import json
import shlex
import time
from datetime import date
from pathlib import Path

from .. import data
from .checkpoints import load_clap
from .retrieval import retrieval_report
from .rules import Refused
from .towers import embed_verses
from .verses import clip_verse, verse_table
from .waves import cache_waves, embed_waves


GROUPS = {"professional": ("tajweedai", "everyayah"), "crowd": ("retasy",), "all": None}


def evaluate(args) -> int:
    """`clap.py evaluate`: top-1/5/10 over 6,236 and 789 verses per run, as JSON and Markdown."""
    cache = data.Cache.load(args.dev)
    waves, rows = cache_waves(cache, args.limit)
    keep = [i for i, r in enumerate(rows) if clip_verse(r) is not None]
    results = {"command": "/usr/bin/python3 train/clap.py evaluate " + " ".join(shlex.quote(a) for a in args.argv),
               "dev": str(args.dev), "date": str(date.today()), "clips": len(keep),
               "multi_verse_clips_left_out": len(rows) - len(keep), "runs": {}}
    for spec in args.runs:
        name, _, path = spec.partition("=")
        if not path:
            raise Refused(f"--runs takes NAME=CHECKPOINT, got {spec!r}")
        model, ckpt = load_clap(path)
        t0 = time.time()
        q = embed_waves(model, [waves[i] for i in keep])
        bank = embed_verses(model.text, verse_table().ids)
        run = {"checkpoint": path, "phase": ckpt["phase"], "steps": ckpt["state"]["step"], "seconds": round(time.time() - t0, 1)}
        for group, sources in GROUPS.items():
            sel = [k for k, i in enumerate(keep) if sources is None or rows[i].get("source") in sources]
            if sel:
                run[group] = retrieval_report(q[sel], bank, [clip_verse(rows[keep[k]]) for k in sel])
        results["runs"][name] = run
        print(json.dumps({name: {g: run[g] for g in GROUPS if g in run}}), flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    out.with_suffix(".md").write_text(retrieval_markdown(results))
    print(f"clap evaluate: wrote {out.with_suffix('.json')} and {out.with_suffix('.md')}")
    return 0


def retrieval_markdown(results: dict) -> str:
    pct = lambda x: "—" if x is None else f"{100 * x:.1f} %"  # noqa: E731
    lines = ["# QuranCLAP retrieval on dev", "",
             f"Generated {results['date']} by:", "", "```sh", results["command"], "```", "",
             f"Dev clips never trained on ({results['dev']}); {results['clips']} single-verse clips "
             f"({results['multi_verse_clips_left_out']} multi-verse clips left out). A hit is the right verse, or a verse "
             "with exactly the same units, among the top k. Over 789 candidates (surahs 1–5, the original paper's set) "
             "only clips of those surahs count.", ""]
    for group in GROUPS:
        if not any(group in run for run in results["runs"].values()):
            continue
        lines += [f"## {group}", "", "| run | n | top-1 / 789 | top-5 / 789 | top-10 / 789 | n | top-1 / 6,236 | top-5 / 6,236 | top-10 / 6,236 |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for name, run in results["runs"].items():
            if group not in run:
                continue
            a, b = run[group]["surahs_1_5_789"], run[group]["all_6236"]
            lines.append(f"| {name} | {a['n']} | {pct(a['top1'])} | {pct(a['top5'])} | {pct(a['top10'])} | {b['n']} | "
                         f"{pct(b['top1'])} | {pct(b['top5'])} | {pct(b['top10'])} |")
        lines.append("")
    lines += ["Reference: the original QuranCLAP (frozen English HuBERT + AraBERT, 552 clips, batch 4) reached 0.1 % top-1 over 789 verses.", ""]
    return "\n".join(lines)
