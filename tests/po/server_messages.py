#!/usr/bin/python3
"""List every error message the daemon and the database can send a client.

    server_messages.py SOURCE_DIR

Prints one line per message: WHERE <tab> FORMAT <tab> EXAMPLE, where WHERE
is file:line, FORMAT the message as written in the source and EXAMPLE the
message with each value ("%s", "%d", "%" in plpgsql) replaced by a sample,
as a client would receive it. Read from:

  deploy/sql/*.sql   RAISE EXCEPTION '...' with a SQLSTATE the daemon shows
                     to clients (AX*, 22*, 23*: server/db_result.c), and the
                     import's refusals ARRAY['AX..', 'field', '...' or
                     format('...', ...)]
  server/*.c         request_reply_error(req, code, field, "...", ...)
  common/request_check*.c  rc_fail(p, code, field, "...", ...)
  common/idcard.c, common/money.c  their result messages

A format made only of values (no words of its own, e.g. "%s") passes a
message along and is not listed. What cannot be read (a message built some
other way) is said on stderr, so that the list's gaps are visible.
"""
import glob
import os
import re
import sys

# Sample values: letters the patterns' literal text never holds.
SAMPLE = "Q{}Z"

C_CONVERSION = re.compile(r"%(?:[-+ #0]*)(?:\*|\d+)?(?:\.(?:\*|\d+))?"
                          r"(?:hh|h|ll|l|z|j|t)?[diouxXsc]")
SQL_FORMAT_CONVERSION = re.compile(r"%(?:\d+\$)?[-]?[sIL]")
SHOWN_SQLSTATES = ("AX", "22", "23")


def example_of(fmt, conversion):
    n = [0]

    def sample(_m):
        n[0] += 1
        return SAMPLE.format(n[0])
    fmt = fmt.replace("%%", "\0")
    return conversion.sub(sample, fmt).replace("\0", "%")


def has_words(example):
    return re.search(r"[A-Za-z]", re.sub(r"Q\d+Z", "", example)) is not None


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def emit(out, where, fmt, example):
    if not has_words(example):
        return
    if "\t" in fmt or "\n" in fmt:
        fmt = fmt.replace("\t", "\\t").replace("\n", "\\n")
        example = example.replace("\t", "\\t").replace("\n", "\\n")
    out.append((where, fmt, example))


# ---- SQL ------------------------------------------------------------------

SQL_LITERAL = re.compile(r"E?'((?:[^']|'')*)'")


def sql_unquote(body):
    return body.replace("''", "'")


def sql_statement_end(text, pos):
    """Index of the ';' ending the statement at pos, quotes skipped."""
    i = pos
    while i < len(text):
        c = text[i]
        if c == "'":
            j = text.index("'", i + 1)
            while j + 1 < len(text) and text[j + 1] == "'":
                j = text.index("'", j + 2)
            i = j + 1
            continue
        if c == ";":
            return i
        i += 1
    return len(text)


def sql_plpgsql_placeholders(fmt):
    """RAISE's '%' (not '%%') as '%s', for the example."""
    return re.sub(r"%(?!%)", "%s", fmt.replace("%%", "\0")).replace("\0", "%%")


def sql_concatenation(rest):
    """The message of a refusal written as 'text ' || value || ' text',
    up to the ARRAY's closing bracket, as a format with %s for each value;
    None when it is not such a concatenation."""
    depth, quoted, end = 0, False, None
    for i, ch in enumerate(rest):
        if quoted:
            quoted = ch != "'" or rest[i + 1:i + 2] == "'"
            continue
        if ch == "'":
            quoted = True
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            if depth == 0:
                end = i
                break
            depth -= 1
    if end is None:
        return None
    body = rest[:end]
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(body):
        if quoted:
            if ch == "'" and body[i + 1:i + 2] != "'":
                quoted = False
            continue
        if ch == "'":
            quoted = True
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0 and body.startswith("||", i):
            parts.append(body[start:i])
            start = i + 2
    parts.append(body[start:])
    if len(parts) < 2:
        return None
    fmt = ""
    for part in parts:
        lit = re.fullmatch(r"\s*" + SQL_LITERAL.pattern + r"\s*", part)
        if lit is not None:
            fmt += sql_unquote(lit.group(1)).replace("%", "%%")
        elif not fmt.endswith("%s"):
            fmt += "%s"
    return fmt


def scan_sql(path, rel, out):
    text = open(path, encoding="utf-8").read()
    # Comments out, lengths kept (line numbers stay right).
    text = re.sub(r"--[^\n]*", lambda m: " " * len(m.group(0)), text)
    for m in re.finditer(r"\bRAISE\s+EXCEPTION\b", text):
        end = sql_statement_end(text, m.end())
        stmt = text[m.end():end]
        where = "%s:%d" % (rel, line_of(text, m.start()))
        state = re.search(r"ERRCODE\s*=\s*'([0-9A-Z]{5})'", stmt)
        if state is None or not state.group(1).startswith(SHOWN_SQLSTATES):
            if re.search(r"ERRCODE\s*=\s*[a-z]", stmt):
                print("%s: message with a computed SQLSTATE, not read" % where,
                      file=sys.stderr)
            continue  # an internal error: the client is told little
        lit = re.match(r"\s*" + SQL_LITERAL.pattern, stmt)
        if lit is None:
            print("%s: message not written as a literal, not read" % where,
                  file=sys.stderr)
            continue
        fmt = sql_unquote(lit.group(1))
        example = example_of(sql_plpgsql_placeholders(fmt), C_CONVERSION)
        emit(out, where, fmt, example)
    for m in re.finditer(r"ARRAY\[\s*'(AX[A-Z0-9]{3})'\s*,\s*'[^']*'\s*,\s*", text):
        where = "%s:%d" % (rel, line_of(text, m.start()))
        rest = text[m.end():]
        lit = re.match(SQL_LITERAL.pattern, rest)
        fmt_call = re.match(r"format\(\s*" + SQL_LITERAL.pattern, rest)
        concat = sql_concatenation(rest)
        if concat is not None:
            emit(out, where, concat, example_of(concat, SQL_FORMAT_CONVERSION))
        elif lit is not None:
            fmt = sql_unquote(lit.group(1))
            emit(out, where, fmt, fmt.replace("%%", "%"))
        elif fmt_call is not None:
            fmt = sql_unquote(fmt_call.group(1))
            emit(out, where, fmt, example_of(fmt, SQL_FORMAT_CONVERSION))
        else:
            print("%s: refusal message not written as a literal, not read" % where,
                  file=sys.stderr)


# ---- C --------------------------------------------------------------------

def c_call_args(text, pos):
    """Top-level argument texts of the call whose '(' is at pos."""
    args, depth, start, i = [], 0, pos + 1, pos
    while i < len(text):
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                args.append(text[start:i])
                return args
        elif c == "," and depth == 1:
            args.append(text[start:i])
            start = i + 1
        i += 1
    return args


C_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def c_format(arg):
    """The format of a call as one string, or None when it is not made of
    string literals (and PRI* macros) alone."""
    arg = re.sub(r"/\*.*?\*/", "", arg, flags=re.S).strip()
    parts, pos = [], 0
    token = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|(PRI[diouxX](?:8|16|32|64|MAX|PTR)))')
    while pos < len(arg):
        m = token.match(arg, pos)
        if m is None:
            return None if arg[pos:].strip() else "".join(parts)
        if m.group(2) is not None:
            parts.append("lld")
        else:
            parts.append(bytes(m.group(1), "utf-8").decode("unicode_escape")
                         .encode("latin-1").decode("utf-8"))
        pos = m.end()
    return "".join(parts) if parts else None


def scan_c_calls(path, rel, function, format_index, out):
    text = open(path, encoding="utf-8").read()
    for m in re.finditer(r"\b%s\s*\(" % re.escape(function), text):
        if re.match(r"\s*(?:void|bool)\b", text[text.rfind("\n", 0, m.start()) + 1:m.start()]):
            continue  # the declaration or definition
        args = c_call_args(text, m.end() - 1)
        where = "%s:%d" % (rel, line_of(text, m.start()))
        if len(args) <= format_index:
            continue
        fmt = c_format(args[format_index])
        if fmt is None:
            print("%s: %s with a format that is not a literal, not read"
                  % (where, function), file=sys.stderr)
            continue
        emit(out, where, fmt, example_of(fmt, C_CONVERSION))


def scan_c_messages(path, rel, out):
    """The `messages[]` table of a result enum."""
    text = open(path, encoding="utf-8").read()
    table = re.search(r"messages\[[A-Z_]+\]\s*=\s*\{(.*?)\};", text, re.S)
    if table is None:
        print("%s: no messages[] table" % rel, file=sys.stderr)
        return
    for m in re.finditer(r"\[([A-Z_]+)\]\s*=\s*((?:\s*\"(?:[^\"\\]|\\.)*\")+)",
                         table.group(1)):
        if m.group(1).endswith("_OK"):
            continue  # not an error
        fmt = c_format(m.group(2))
        where = "%s:%d" % (rel, line_of(text, table.start(1) + m.start()))
        emit(out, where, fmt, fmt)


def main():
    src = sys.argv[1]
    out = []
    for path in sorted(glob.glob(os.path.join(src, "deploy/sql/*.sql"))):
        scan_sql(path, os.path.relpath(path, src), out)
    for path in sorted(glob.glob(os.path.join(src, "server/*.c"))):
        scan_c_calls(path, os.path.relpath(path, src), "request_reply_error", 3, out)
    for path in sorted(glob.glob(os.path.join(src, "common/request_check*.c"))):
        scan_c_calls(path, os.path.relpath(path, src), "rc_fail", 3, out)
    for name in ("common/idcard.c", "common/money.c"):
        scan_c_messages(os.path.join(src, name), name, out)
    seen = set()
    for where, fmt, example in out:
        if (fmt, example) in seen:
            continue
        seen.add((fmt, example))
        print("%s\t%s\t%s" % (where, fmt, example))


if __name__ == "__main__":
    main()
