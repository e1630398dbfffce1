//! One incident, several writers: the console in one terminal and
//! `opsdeck exec` in another both append to the same `events.jsonl`. Each
//! append holds an exclusive `flock` on the log while it reads what others
//! added since (to number and chain after it), writes, syncs and moves the
//! head; nothing else is done while holding it, so a writer waits at most
//! for another's write and fdatasync.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::os::unix::fs::FileExt;
use std::time::{Duration, Instant};

/// How long an append waits for another writer before it says so.
const WAIT: Duration = Duration::from_secs(5);
/// The last event of a gap is looked for in this many bytes from the end
/// first (events are far smaller), then in the whole gap.
const TAIL_WINDOW: u64 = 1 << 20;

/// The exclusive lock on the log; released when dropped. It keeps the
/// descriptor's number, not a borrow, so that the file can be written while
/// it is held; the file outlives it in every caller (and closing the file
/// would release the lock anyway).
pub struct Exclusive(std::os::fd::RawFd);

impl Drop for Exclusive {
    fn drop(&mut self) {
        // SAFETY: flock on a number; on a closed one it fails harmlessly.
        unsafe {
            libc::flock(self.0, libc::LOCK_UN);
        }
    }
}

/// Takes the lock, waiting (bounded) while another opsdeck appends.
pub fn lock(file: &File) -> std::io::Result<Exclusive> {
    let deadline = Instant::now() + WAIT;
    loop {
        // SAFETY: flock on an open descriptor; no memory is passed.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            return Ok(Exclusive(file.as_raw_fd()));
        }
        let error = std::io::Error::last_os_error();
        if error.raw_os_error() != Some(libc::EWOULDBLOCK) {
            return Err(error);
        }
        if Instant::now() >= deadline {
            return Err(std::io::Error::other(format!(
                "another opsdeck has held the incident log for {} s",
                WAIT.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The log's end as others left it.
#[derive(Debug, PartialEq, Eq)]
pub struct Tail {
    /// The length up to the end of the last whole line: beyond it is a line
    /// torn by a writer killed mid-write (never acknowledged), to cut off.
    pub len: u64,
    /// The seq and hash of the last event others added, if a whole one.
    pub last: Option<(u64, String)>,
}

/// What others appended after `known_len` (under the lock): `None` when
/// nothing.
pub fn catch_up(file: &File, known_len: u64) -> std::io::Result<Option<Tail>> {
    let len = file.metadata()?.len();
    if len <= known_len {
        return Ok(None);
    }
    let window = len.saturating_sub(TAIL_WINDOW).max(known_len);
    let mut found = last_event(file, window, len, window == known_len)?;
    if found.is_none() && window > known_len {
        found = last_event(file, known_len, len, true)?;
    }
    Ok(Some(found.unwrap_or(Tail {
        len: known_len,
        last: None,
    })))
}

/// The chain's end (last seq, its hash, the log's length) when the log of
/// `dir`, `len` bytes long, ends with a whole line that is its head's event;
/// `None` whenever anything else is found.
pub fn whole_at_head(dir: &std::path::Path, file: &File, len: u64) -> Option<(u64, String, u64)> {
    let head = super::head::read(dir).ok()??;
    let tail = catch_up(file, 0).ok()??;
    let (seq, hash) = tail.last?;
    (tail.len == len && seq == head.seq && hash == head.hash).then_some((seq, hash, len))
}

/// The last whole event line in `from..to`, with the length up to its end;
/// `at_line_start` says whether a line begins at `from`.
fn last_event(
    file: &File,
    from: u64,
    to: u64,
    at_line_start: bool,
) -> std::io::Result<Option<Tail>> {
    let mut bytes = vec![0u8; (to - from) as usize];
    file.read_exact_at(&mut bytes, from)?;
    let Some(end) = bytes.iter().rposition(|&b| b == b'\n') else {
        return Ok(None);
    };
    let start = match bytes[..end].iter().rposition(|&b| b == b'\n') {
        Some(newline) => newline + 1,
        None if at_line_start => 0,
        // The line began before the window: not known to be whole.
        None => return Ok(None),
    };
    let record = serde_json::from_slice::<serde_json::Value>(&bytes[start..end]).ok();
    let last = record.and_then(|r| Some((r["seq"].as_u64()?, r["hash"].as_str()?.to_string())));
    Ok(Some(Tail {
        len: from + end as u64 + 1,
        last,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn log_with(text: &str) -> (tempfile::NamedTempFile, File) {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        let handle = file.reopen().unwrap();
        (file, handle)
    }

    #[test]
    fn what_another_writer_added_is_caught_up_with() {
        let ours = "{\"seq\":1,\"hash\":\"a\"}\n";
        let theirs = "{\"seq\":2,\"hash\":\"b\"}\n{\"seq\":3,\"hash\":\"c\"}\n";
        let (_keep, file) = log_with(&format!("{ours}{theirs}"));
        let tail = catch_up(&file, ours.len() as u64).unwrap().unwrap();
        assert_eq!(tail.last, Some((3, "c".to_string())));
        assert_eq!(tail.len, (ours.len() + theirs.len()) as u64);
        assert_eq!(catch_up(&file, tail.len).unwrap(), None);
    }

    #[test]
    fn a_torn_line_is_left_out_of_the_tail() {
        let ours = "{\"seq\":1,\"hash\":\"a\"}\n";
        let whole = "{\"seq\":2,\"hash\":\"b\"}\n";
        let (_keep, file) = log_with(&format!("{ours}{whole}{{\"seq\":3,\"ha"));
        let tail = catch_up(&file, ours.len() as u64).unwrap().unwrap();
        assert_eq!(tail.last, Some((2, "b".to_string())));
        assert_eq!(tail.len, (ours.len() + whole.len()) as u64);

        let (_keep, file) = log_with(&format!("{ours}{{\"seq\":2,\"ha"));
        let tail = catch_up(&file, ours.len() as u64).unwrap().unwrap();
        assert_eq!(tail.last, None);
        assert_eq!(tail.len, ours.len() as u64, "only the fragment: cut it off");
    }

    #[test]
    fn a_second_lock_waits_for_the_first() {
        let (_keep, file) = log_with("");
        let other = _keep.reopen().unwrap();
        let held = lock(&file).unwrap();
        // SAFETY: flock on an open descriptor.
        let busy = unsafe { libc::flock(other.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        assert_eq!(
            busy, -1,
            "a second description got the lock while it was held"
        );
        drop(held);
        assert!(lock(&other).is_ok());
    }
}
