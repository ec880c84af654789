"""The fast path's checker for one record type, written out as Python (:mod:`.fast`).

Each record type's checker is generated from its fields' checkers (:mod:`.fast_checks`)
and compiled once: no loop over the fields and no call for the common checks, the dicts
the fast path needs filled as each field is checked, and the rules every record has told
in line. An import's workers run it on every record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sftimeline.records.fast_checks import NO, Field, _as_given, inline


def write_checker(
    record_type: str, fields: dict[str, Field], own: set[str], rules: list[str]
) -> Callable[[dict[str, Any]], tuple[dict[str, Any], dict[str, Any], dict[str, Any], bool] | None]:
    """One function checking a raw record field by field, written out for the type (no
    loop, no call for the common checks), or None when a key is not a field, a required
    one is missing, or a value is not sure. A null is the absence of a nullable field
    (pydantic holds None; the dump leaves it out).

    It gives three dicts: the checked values by name, filled as each field is checked;
    their dump (as the model's JSON dump spells them: a date as the text it was given,
    which the check proved canonical), a copy of the values with the dates spelled; and
    the dump's fields named in ``own`` (a record event's ``data``), each in the model's
    order. Made so, in one pass, they cost an import ≈ 6,000 instructions a record
    (callgrind) less than copying the values and spelling them by a call each afterwards.
    And whether the model's validators hold, told from the values by ``rules`` (each a
    Python expression over ``values``; ``False``: ask the validator), all written out: when
    not (False), the caller asks every validator (:meth:`_Plan._rules_hold`)."""
    env: dict[str, Any] = {"NAMES": frozenset(fields), "NO": NO}
    body = ["def check(raw):", "    if not raw.keys() <= NAMES:", "        return None"]
    body += ["    get = raw.get", "    values = {}", "    own = {}"]
    spelled: list[str] = []  # the dump's own spelling of the fields not spelled as checked
    for i, (name, field) in enumerate(fields.items()):
        key = repr(name)
        lines, spelling = _field_lines(i, key, field, name in own, env)
        body += _indented(lines)
        spelled += spelling
    told = " and ".join(f"({rule})" for rule in rules) or "True"
    body += ["    dumped = values.copy()", *_indented(spelled)]
    body.append(f"    return values, dumped, own, {told}")
    exec(compile("\n".join(body), f"<fast path of {record_type}>", "exec"), env)
    return env["check"]  # type: ignore[no-any-return]


def _field_lines(
    i: int, key: str, field: Field, owned: bool, env: dict[str, Any]
) -> tuple[list[str], list[str]]:
    """The checker's lines for field number ``i`` (named ``key``, written as Python), and
    the lines that then spell it in the dump (none: the dump holds the checked value)."""
    cache = getattr(field.check, "days", None)  # a date: its texts seen, looked up in line
    utc = getattr(field.check, "utc", None)  # a knowledge time: its usual spelling in line
    written = inline(field.check)
    if utc is not None and field.spell is not None:
        env[f"low{i}"], high, env[f"utc{i}"], env[f"time{i}"] = utc
        env[f"check{i}"], env[f"spell{i}"] = field.check, field.spell
        bounds = f"low{i} <= v" if high is None else f"low{i} <= v < high{i}"
        usual = f"type(v) is str and len(v) == 20 and {bounds} and utc{i}(v) is not None"
        if high is not None:
            env[f"high{i}"] = high
        test = [f"if {usual}:", "    try:", f"        v = time{i}(v)", "    except ValueError:"]
        test += ["        return None", f"    d{i} = r", "else:", f"    v = check{i}(v)"]
        test += ["    if v is NO:", "        return None", f"    d{i} = spell{i}(r, v)"]
    elif cache is not None:
        env[f"days{i}"], env[f"day{i}"] = cache
        test = [f"v = days{i}.get(v, NO) if type(v) is str else NO", "if v is NO:"]
        test += _indented([f"v = day{i}(r)", "if v is NO:", "    return None"])
    elif written is None:
        env[f"check{i}"] = field.check
        test = [f"v = check{i}(v)", "if v is NO:", "    return None"]
    else:
        condition, constants = written
        env.update({f"{k}{i}": c for k, c in constants.items()})
        test = [f"if {condition.format(i=i)}:", "    return None"]
    store = ["r = v"] if field.spell is not None or cache is not None else []
    store += [*test, f"values[{key}] = v"]
    spelling: list[str] = []
    if field.spell is None:
        if owned:
            store.append(f"own[{key}] = v")
    else:
        if field.spell is _as_given:
            store.append(f"d{i} = r")
        elif utc is None:  # (a knowledge time in line is spelled by its test)
            env[f"spell{i}"] = field.spell
            store.append(f"d{i} = spell{i}(r, v)")
        if owned:
            store.append(f"own[{key}] = d{i}")
        spelling = [f"dumped[{key}] = d{i}"]
        if not field.required or field.nullable:  # absent: not in the dump
            spelling = [f"if {key} in values:", *_indented(spelling)]
    if field.nullable:
        lines = [f"v = get({key})", "if v is not None:", *_indented(store)]
        if field.required:
            lines = [f"if {key} not in raw:", "    return None", *lines]
    elif field.required:
        lines = [f"v = get({key})", *store]  # a missing value (None) is refused
    else:
        lines = [f"v = get({key}, NO)", "if v is None:", "    return None"]
        lines += ["if v is not NO:", *_indented(store)]
    return lines, spelling


def _indented(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]
