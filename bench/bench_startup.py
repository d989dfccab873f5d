"""Start-up benchmark: import time and whole-process wall time of every verb but lint.

For each verb below, on small real fixtures made in a temp folder (a folder registry of six
skills, a project with a lock, the same registry served by a threaded HTTP server on 127.0.0.1),
it prints:

- the import total: `python -X importtime` running the CLI with the verb's arguments, summed over
  the top-level imports (everything imported while the command ran, interpreter start-up
  included); min / median of several runs;
- the wall time of the whole `skill ...` process (min / median of `--runs` runs);

for this tree and, with `--previous TREE` (a checkout with its own `.venv`), for that tree in the
same run, interleaved run by run, each beside its target with ok/MISSED. Every run gets fresh
state (a new project, registry copy or cache folder, made before the clock starts), so an
install is a cold install and a publish writes a new version.

Targets (issue 17): import total <= 150 ms for a verb that needs no network, <= 250 ms for an
install from an http:// registry; the wall-time target is the same bound (start-up is what these
small commands are made of). On a busy machine both stretch with the load printed beside them.

Run from the project root:

    .venv/bin/python bench/bench_startup.py --previous /work/base17 [--runs 10] [--only install]
    .venv/bin/python bench/bench_startup.py --modules      # also the costliest imports per verb
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from harness import (  # noqa: E402
    Figures,
    cli_code,
    header,
    importtime_ms,
    isolated_env,
    load_text,
    previous_python,
    previous_skill,
    previous_tree,
    row,
    run_once,
    table_head,
)

from tests.install_helpers import serve  # noqa: E402

SEED = REPO.parent / "shared" / "seed" / "backend-developer"
RELATED = REPO / "tests" / "fixtures" / "related"
LOCAL_MS = 150.0  # issue 17: any verb that needs no network
NETWORK_MS = 250.0  # issue 17: with httpx (an http:// registry)


@dataclass
class Verb:
    label: str
    # (work folder, run number, registry URL) -> (arguments after `skill`, cwd)
    prepare: Callable[[Path, int, str], tuple[list[str], Path]]
    network: bool = False

    @property
    def target_ms(self) -> float:
        return NETWORK_MS if self.network else LOCAL_MS


@dataclass
class Fixtures:
    root: Path
    registry: Path  # a folder registry: backend-developer and the five related skills
    locked: Path  # a project whose skills.lock/skills.toml name backend-developer from `registry`
    skill_v2: Path  # backend-developer with version 1.0.1, to publish as a new version


def fresh(work: Path, name: str) -> Path:
    folder = work / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def copy_tree(source: Path, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, symlinks=True)
    return target


def make_fixtures(root: Path, env: dict[str, str]) -> Fixtures:
    """Built with this tree's CLI; the formats are the same in the previous version."""
    registry, locked = root / "registry", root / "locked"
    skills = [SEED, *sorted(RELATED.iterdir())]
    run_once([SKILL, "publish", *map(str, skills), "--to", str(registry), "-q"], env=env, ok=(0,))
    locked.mkdir()
    install = [SKILL, "install", "backend-developer", "--registry", str(registry), "-q"]
    run_once([*install, "--agent", "claude-code"], env=env, cwd=locked, ok=(0,))
    for agent_folder in (".claude", ".agents"):
        shutil.rmtree(locked / agent_folder, ignore_errors=True)
    skill_v2 = copy_tree(SEED, root / "v2" / "backend-developer")
    text = (skill_v2 / "SKILL.md").read_text(encoding="utf-8")
    (skill_v2 / "SKILL.md").write_text(text.replace("1.0.0", "1.0.1", 1), encoding="utf-8")
    return Fixtures(root, registry, locked, skill_v2)


def verbs(fx: Fixtures) -> list[Verb]:
    def project(work: Path, i: int) -> Path:
        return fresh(work, f"project-{i}")

    def registry_copy(work: Path, i: int) -> Path:
        return copy_tree(fx.registry, work / f"registry-{i}")

    def version(work: Path, i: int, url: str) -> tuple[list[str], Path]:
        return ["--version"], work

    def install_builtin(work: Path, i: int, url: str) -> tuple[list[str], Path]:
        return ["install", "backend-developer", "--agent", "claude-code"], project(work, i)

    def install_folder(work: Path, i: int, url: str) -> tuple[list[str], Path]:
        args = ["install", "backend-developer", "--registry", str(fx.registry)]
        return [*args, "--agent", "claude-code"], project(work, i)

    def restore(work: Path, i: int, url: str) -> tuple[list[str], Path]:
        target = project(work, i)
        for name in ("skills.lock", "skills.toml"):
            shutil.copy(fx.locked / name, target / name)
        return ["install"], target

    def publish(work: Path, i: int, url: str) -> tuple[list[str], Path]:
        return ["publish", str(fx.skill_v2), "--to", str(registry_copy(work, i))], work

    def index(work: Path, i: int, url: str) -> tuple[list[str], Path]:
        return ["index", str(RELATED), "--no-cache"], work

    def audit(work: Path, i: int, url: str) -> tuple[list[str], Path]:
        return ["audit", str(RELATED)], work

    def init(work: Path, i: int, url: str) -> tuple[list[str], Path]:
        return ["init", "my-skill"], project(work, i)

    def verify(work: Path, i: int, url: str) -> tuple[list[str], Path]:
        return ["registry", "verify", str(fx.registry)], work

    def yank(work: Path, i: int, url: str) -> tuple[list[str], Path]:
        return ["yank", "golang-pro@1.0.0", "--from", str(registry_copy(work, i))], work

    def deprecate(work: Path, i: int, url: str) -> tuple[list[str], Path]:
        args = ["deprecate", "golang-pro", "--message", "use python-pro"]
        return [*args, "--from", str(registry_copy(work, i))], work

    def install_http(work: Path, i: int, url: str) -> tuple[list[str], Path]:
        args = ["install", "backend-developer", "--registry", url, "--agent", "claude-code"]
        return args, project(work, i)

    return [
        Verb("skill --version", version),
        Verb("install NAME (built-in registry)", install_builtin),
        Verb("install NAME --registry FOLDER", install_folder),
        Verb("install (restore skills.lock, folder)", restore),
        Verb("publish DIR --to FOLDER (new version)", publish),
        Verb("index DIR (5 skills, --no-cache)", index),
        Verb("audit DIR (5 skills)", audit),
        Verb("init NAME", init),
        Verb("registry verify FOLDER", verify),
        Verb("yank NAME@VERSION --from FOLDER", yank),
        Verb("deprecate NAME --from FOLDER", deprecate),
        Verb("install NAME --registry http://127.0.0.1", install_http, network=True),
    ]


SKILL = str(Path(sys.executable).parent / "skill")


def environment(home: Path) -> dict[str, str]:
    return isolated_env(home, NO_COLOR="1")


@dataclass
class Tree:
    name: str
    skill: str
    python: str
    wall: dict[str, Figures] = field(default_factory=dict)
    cpu: dict[str, Figures] = field(default_factory=dict)
    imports: dict[str, Figures] = field(default_factory=dict)


@contextmanager
def workspace() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="w17start-bench-") as folder:
        yield Path(folder)


def measure(
    verb: Verb, trees: list[Tree], work: Path, url: str, runs: int, import_runs: int
) -> None:
    """`runs` wall-time runs and `import_runs` importtime runs per tree, interleaved."""
    for i in range(max(runs, import_runs)):
        for tree in trees:
            slot = work / tree.name
            env = environment(fresh(slot, f"home-{i}"))
            if i < runs:
                args, cwd = verb.prepare(slot, i, url)
                wall, cpu = run_once([tree.skill, *args], env=env, cwd=cwd, ok=(0,))
                tree.wall[verb.label].samples.append(wall * 1000)
                tree.cpu[verb.label].samples.append(cpu * 1000)
                env = environment(fresh(slot, f"home-{i}"))
            if i < import_runs:
                args, cwd = verb.prepare(slot, i + runs, url)
                total, _ = importtime_ms(tree.python, cli_code(args), env=env, cwd=cwd)
                tree.imports[verb.label].samples.append(total)


def top_imports(verb: Verb, tree: Tree, work: Path, url: str) -> str:
    slot = work / tree.name
    args, cwd = verb.prepare(slot, 999, url)
    env = environment(fresh(slot, "home-top"))
    _, tops = importtime_ms(tree.python, cli_code(args), env=env, cwd=cwd)
    return ", ".join(f"{name} {ms:.0f}" for ms, name in tops[:6])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--previous", metavar="TREE", help="an earlier checkout with a .venv")
    parser.add_argument("--runs", type=int, default=10, help="wall-time runs per verb and tree")
    parser.add_argument("--import-runs", type=int, default=5, help="importtime runs per verb")
    parser.add_argument("--only", metavar="WORD", help="only verbs whose label holds WORD")
    parser.add_argument("--modules", action="store_true", help="print the costliest imports")
    options = parser.parse_args()

    header("skill start-up (import total and process wall time per verb)")
    trees = []
    previous = previous_tree(options.previous)
    if previous is not None:
        trees.append(
            Tree("previous", previous_skill(previous), previous_python(previous), {}, {}, {})
        )
    trees.append(Tree("new", SKILL, sys.executable))

    with workspace() as root:
        fx = make_fixtures(root / "fixtures", environment(fresh(root, "fixtures-home")))
        chosen = [v for v in verbs(fx) if not options.only or options.only in v.label]
        with serve(fx.registry) as server:
            for verb in chosen:
                for tree in trees:
                    tree.wall[verb.label], tree.imports[verb.label] = Figures(), Figures()
                    tree.cpu[verb.label] = Figures()
                work = fresh(root, "work")
                measure(verb, trees, work, server.url, options.runs, options.import_runs)
                if options.modules:
                    for tree in trees:
                        tops = top_imports(verb, tree, work, server.url)
                        print(f"  {verb.label} [{tree.name}]: {tops}")
                shutil.rmtree(work)

    print(f"after the runs: {load_text()}")
    names = ("previous", "new") if previous is not None else ("-", "new")
    tables = (
        ("import total (python -X importtime)", "imports"),
        ("wall time of the process", "wall"),
        ("CPU time of the process (user + system; less sensitive to load)", "cpu"),
    )
    for title, kind in tables:
        print(f"\n{title}, min / median ms; ok when the min is within the target:")
        table_head(*names)
        for verb in chosen:
            figures: list[Figures] = [getattr(tree, kind)[verb.label] for tree in trees]
            new = figures[-1]
            today = figures[0].fmt("", digits=0) if len(figures) > 1 else "-"
            target = f"<= {verb.target_ms:.0f} ms"
            row(verb.label, today, new.fmt("", digits=0), target, new.min <= verb.target_ms)


if __name__ == "__main__":
    main()
