//! What SQL and Redis commands do: the statements given to `psql`, `mysql`
//! and `sqlite3`, and the commands given to `redis-cli`, as arguments or on stdin.

use super::options::Args;
use super::walk::Invocation;

/// `psql -c SQL`, `mysql -e SQL`, `sqlite3 [OPTIONS] DB [SQL…]`, or SQL fed
/// to them on stdin: the first statement that changes things.
pub(super) fn sql_statement(invocation: &Invocation, args: &Args) -> Option<String> {
    let given: Vec<&str> = match invocation.program {
        "psql" => args.values(&["-c", "--command"]).collect(),
        "mysql" | "mariadb" => args.values(&["-e", "--execute"]).collect(),
        "sqlite3" => {
            let mut given: Vec<&str> = args.values(&["-cmd"]).collect();
            given.extend(args.positionals.iter().skip(1).map(|w| w.text.as_str()));
            given
        }
        _ => Vec::new(),
    };
    let keyword = given
        .into_iter()
        .chain(invocation.stdin)
        .find_map(sql_change)?;
    Some(format!("{} … {keyword}", invocation.program))
}

/// Statements that change data, schema, settings or sessions.
#[rustfmt::skip]
const SQL_WRITES: &[&str] = &[
    "DROP", "DELETE", "TRUNCATE", "UPDATE", "INSERT", "ALTER", "GRANT", "REVOKE", "CREATE",
    "REPLACE", "MERGE", "UPSERT", "VACUUM", "REINDEX", "CLUSTER", "REFRESH", "KILL", "RENAME",
    "FLUSH", "PURGE", "LOAD", "IMPORT",
];
/// Functions that end sessions or change the server's state.
#[rustfmt::skip]
const SQL_FUNCTIONS: &[&str] = &[
    "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_promote",
    "pg_rotate_logfile", "pg_switch_wal", "pg_drop_replication_slot", "pg_wal_replay_pause",
    "pg_wal_replay_resume", "setval", "lo_unlink",
];

/// The keyword or function that makes `sql` change things. Quoted text,
/// comments and `FOR UPDATE` row locks do not count; `REPLACE(…)` and
/// `TRUNCATE(…)` followed by `(` are functions that compute.
pub fn sql_change(sql: &str) -> Option<String> {
    let mut previous = String::new();
    for (token, next) in sql_tokens(sql) {
        let upper = token.to_ascii_uppercase();
        let lower = token.to_ascii_lowercase();
        if SQL_FUNCTIONS.contains(&lower.as_str()) {
            return Some(format!("{lower}()"));
        }
        // `SET GLOBAL x = …` (MySQL) changes the server for everyone.
        if previous == "SET" && matches!(upper.as_str(), "GLOBAL" | "PERSIST") {
            return Some(format!("SET {upper}"));
        }
        let row_lock = upper == "UPDATE" && matches!(previous.as_str(), "FOR" | "KEY");
        if SQL_WRITES.contains(&upper.as_str()) && next != Some('(') && !row_lock {
            return Some(upper);
        }
        previous = upper;
    }
    None
}

/// Words of `sql` outside quotes and comments, each with the next
/// non-blank character after it.
fn sql_tokens(sql: &str) -> Vec<(String, Option<char>)> {
    let chars: Vec<char> = sql.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' | '"' | '`' => {
                // A quoted string or name; a doubled quote stays inside.
                i += 1;
                while i < chars.len() {
                    if chars[i] == c {
                        if chars.get(i + 1) == Some(&c) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            // `-- …`, and MySQL's `# …`, run to the end of the line.
            '#' | '-' if c == '#' || chars.get(i + 1) == Some(&'-') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let token: String = chars[start..i].iter().collect();
                let next = chars[i..].iter().copied().find(|c| !c.is_whitespace());
                tokens.push((token, next));
            }
            _ => i += 1,
        }
    }
    tokens
}

#[rustfmt::skip]
const REDIS_WRITES: &[&str] = &[
    "FLUSHALL", "FLUSHDB", "DEL", "UNLINK", "SET", "SETEX", "PSETEX", "SETNX", "SETRANGE", "MSET",
    "MSETNX", "GETSET", "GETDEL", "GETEX", "APPEND", "INCR", "INCRBY", "INCRBYFLOAT", "DECR",
    "DECRBY", "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT", "PERSIST", "RENAME", "RENAMENX",
    "MOVE", "COPY", "RESTORE", "MIGRATE", "SWAPDB", "HSET", "HSETNX", "HMSET", "HDEL", "HINCRBY",
    "HINCRBYFLOAT", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX", "LPOP", "RPOP", "LREM", "LSET", "LTRIM",
    "LINSERT", "LMOVE", "BLMOVE", "RPOPLPUSH", "BRPOPLPUSH", "BLPOP", "BRPOP", "SADD", "SREM",
    "SPOP", "SMOVE", "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE", "ZADD", "ZREM", "ZINCRBY",
    "ZPOPMIN", "ZPOPMAX", "BZPOPMIN", "BZPOPMAX", "ZREMRANGEBYSCORE", "ZREMRANGEBYRANK",
    "ZREMRANGEBYLEX", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE", "ZRANGESTORE", "XADD", "XDEL",
    "XTRIM", "XACK", "XCLAIM", "XAUTOCLAIM", "PFADD", "PFMERGE", "GEOADD", "SETBIT", "BITOP",
    "BITFIELD", "EVAL", "EVALSHA", "FCALL", "PUBLISH", "SHUTDOWN", "SAVE", "BGSAVE",
    "BGREWRITEAOF", "SLAVEOF", "REPLICAOF", "FAILOVER", "DEBUG",
];
/// Commands whose second word decides: `CONFIG GET` reads, `CONFIG SET` writes.
#[rustfmt::skip]
const REDIS_GROUPS: &[(&str, &[&str])] = &[
    ("CONFIG", &["SET", "RESETSTAT", "REWRITE"]),
    ("CLIENT", &["KILL", "PAUSE", "UNPAUSE", "NO-EVICT", "NO-TOUCH"]),
    ("CLUSTER", &["RESET", "FAILOVER", "FORGET", "MEET", "ADDSLOTS", "ADDSLOTSRANGE", "DELSLOTS",
        "DELSLOTSRANGE", "SETSLOT", "REPLICATE", "FLUSHSLOTS", "SAVECONFIG"]),
    ("ACL", &["SETUSER", "DELUSER", "LOAD", "SAVE"]),
    ("SCRIPT", &["FLUSH", "KILL", "LOAD"]),
    ("FUNCTION", &["DELETE", "FLUSH", "LOAD", "RESTORE", "KILL"]),
    ("MEMORY", &["PURGE"]),
    ("LATENCY", &["RESET"]),
    ("SLOWLOG", &["RESET"]),
    ("MODULE", &["LOAD", "LOADEX", "UNLOAD"]),
    ("XGROUP", &["CREATE", "DESTROY", "DELCONSUMER", "SETID", "CREATECONSUMER"]),
];

/// `redis-cli [OPTIONS] CMD ARGS…`, or commands fed on stdin, one a line.
pub(super) fn redis_command(invocation: &Invocation, args: &Args) -> Option<String> {
    for option in ["--pipe", "--eval"] {
        if args.has(option) {
            return Some(format!("redis-cli {option}"));
        }
    }
    let words: Vec<&str> = args.positionals.iter().map(|w| w.text.as_str()).collect();
    let from_args = redis_writes(&words);
    let from_stdin = || {
        invocation.stdin?.lines().find_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            redis_writes(&words)
        })
    };
    let command = from_args.or_else(from_stdin)?;
    Some(format!("redis-cli {command}"))
}

fn redis_writes(words: &[&str]) -> Option<String> {
    let first = words.first()?.to_ascii_uppercase();
    if let Some((_, verbs)) = REDIS_GROUPS.iter().find(|(group, _)| *group == first) {
        let second = words.get(1)?.to_ascii_uppercase();
        return verbs
            .contains(&second.as_str())
            .then(|| format!("{first} {second}"));
    }
    REDIS_WRITES.contains(&first.as_str()).then_some(first)
}
