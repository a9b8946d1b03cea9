//! Native-messaging framing: `u32` length in native byte order, then that many bytes of UTF-8 JSON.

use std::io::{self, Read, Write};

/// Default cap on an inbound message, in UTF-8 JSON bytes (configurable by the host). The host
/// announces it in `hello_ok.max_request_bytes`; the extension measures requests the same way and
/// sends larger ones as `uninspectable` instead. The host relays requests to the daemon under the
/// same cap.
pub const DEFAULT_MAX_INBOUND: usize = 8 * 1024 * 1024;
/// How much of an oversized frame is kept to find its request `id` (the extension writes `id`
/// first).
pub const OVERSIZED_HEAD: usize = 4096;
/// Chrome refuses native-host messages larger than 1 MiB.
pub const MAX_OUTBOUND: usize = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// Clean end of input between frames: the browser closed the port.
    #[error("end of input")]
    Eof,
    #[error("input ended inside a frame header ({0} of 4 bytes)")]
    TruncatedHeader(usize),
    #[error("input ended inside a frame body ({got} of {want} bytes)")]
    TruncatedBody { got: usize, want: usize },
    #[error("frame of {0} bytes is over the {1}-byte limit")]
    TooLarge(usize, usize),
    /// An inbound frame over the cap: its body was skipped, keeping its first bytes (`head`) so
    /// the reply can echo the request id.
    #[error("frame of {len} bytes is over the {max}-byte limit")]
    Oversized { len: usize, max: usize, head: Vec<u8> },
    #[error("frame is not valid UTF-8")]
    NotUtf8,
    #[error("i/o error: {0}")]
    Io(#[from] io::Error),
}

/// Reads one frame. An oversized frame is refused before its body is read into memory; its body is
/// then skipped so the stream stays in sync and the next frame can be read.
pub fn read_frame(r: &mut impl Read, max: usize) -> Result<String, FrameError> {
    let mut len = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match r.read(&mut len[got..]) {
            Ok(0) if got == 0 => return Err(FrameError::Eof),
            Ok(0) => return Err(FrameError::TruncatedHeader(got)),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    let want = u32::from_ne_bytes(len) as usize;
    if want > max {
        let mut head = Vec::with_capacity(OVERSIZED_HEAD.min(want));
        let kept = r.take(OVERSIZED_HEAD.min(want) as u64).read_to_end(&mut head)?;
        let skipped = kept as u64 + io::copy(&mut r.take((want - kept) as u64), &mut io::sink())?;
        if (skipped as usize) < want {
            return Err(FrameError::TruncatedBody { got: skipped as usize, want });
        }
        return Err(FrameError::Oversized { len: want, max, head });
    }
    let mut body = Vec::with_capacity(want);
    let read = r.take(want as u64).read_to_end(&mut body)?;
    if read < want {
        return Err(FrameError::TruncatedBody { got: read, want });
    }
    String::from_utf8(body).map_err(|_| FrameError::NotUtf8)
}

/// Writes one frame and flushes. Refuses (without writing) a body over [`MAX_OUTBOUND`], the
/// browser's limit for what a host sends it.
pub fn write_frame(w: &mut impl Write, json: &str) -> Result<(), FrameError> {
    write_frame_max(w, json, MAX_OUTBOUND)
}

/// Writes one frame of at most `max` bytes (the host relaying a browser request to the daemon
/// uses the inbound cap, not the browser-bound one).
pub fn write_frame_max(w: &mut impl Write, json: &str, max: usize) -> Result<(), FrameError> {
    if json.len() > max || json.len() > u32::MAX as usize {
        return Err(FrameError::TooLarge(json.len(), max));
    }
    w.write_all(&(json.len() as u32).to_ne_bytes())?;
    w.write_all(json.as_bytes())?;
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &[u8]) -> Vec<u8> {
        let mut v = (body.len() as u32).to_ne_bytes().to_vec();
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn round_trip_and_errors() {
        let mut out = Vec::new();
        write_frame(&mut out, r#"{"type":"hello"}"#).unwrap();
        assert_eq!(read_frame(&mut out.as_slice(), 1024).unwrap(), r#"{"type":"hello"}"#);
        assert!(matches!(read_frame(&mut &b""[..], 1024), Err(FrameError::Eof)));
        assert!(matches!(read_frame(&mut &b"\x05\x00"[..], 1024), Err(FrameError::TruncatedHeader(2))));
        let mut short = frame(b"abcdef");
        short.truncate(7);
        assert!(matches!(read_frame(&mut short.as_slice(), 1024), Err(FrameError::TruncatedBody { got: 3, want: 6 })));
        assert!(matches!(read_frame(&mut frame(b"\xff\xfe").as_slice(), 1024), Err(FrameError::NotUtf8)));
        let big = "x".repeat(MAX_OUTBOUND + 1);
        assert!(matches!(write_frame(&mut Vec::new(), &big), Err(FrameError::TooLarge(..))));
    }

    #[test]
    fn oversized_frame_is_skipped_and_the_stream_stays_in_sync() {
        let mut input = frame(&[b'x'; 100]);
        input.extend(frame(b"{}"));
        let mut r = input.as_slice();
        assert!(matches!(read_frame(&mut r, 10), Err(FrameError::Oversized { len: 100, max: 10, ref head }) if head.len() == 100));
        assert_eq!(read_frame(&mut r, 10).unwrap(), "{}");
    }

    #[test]
    fn oversized_frame_keeps_its_head_for_the_id() {
        let mut body = br#"{"id":"req-7","v":2,"type":"inspect","text":""#.to_vec();
        body.extend(std::iter::repeat_n(b'x', 10_000));
        body.extend(br#""}"#);
        let r = frame(&body);
        let err = read_frame(&mut r.as_slice(), 100).unwrap_err();
        let FrameError::Oversized { head, .. } = err else { panic!("{err:?}") };
        assert_eq!(head.len(), OVERSIZED_HEAD);
        assert!(head.starts_with(br#"{"id":"req-7""#));
    }

    #[test]
    fn relay_writes_past_the_browser_limit_under_its_own_cap() {
        let big = "x".repeat(MAX_OUTBOUND + 1);
        let mut out = Vec::new();
        write_frame_max(&mut out, &big, DEFAULT_MAX_INBOUND).unwrap();
        assert_eq!(read_frame(&mut out.as_slice(), DEFAULT_MAX_INBOUND).unwrap().len(), MAX_OUTBOUND + 1);
    }

    #[test]
    fn a_huge_declared_length_is_not_allocated() {
        // 4 GiB declared, 3 bytes present: refused as too large without allocating 4 GiB.
        let mut input = u32::MAX.to_ne_bytes().to_vec();
        input.extend_from_slice(b"abc");
        assert!(matches!(read_frame(&mut input.as_slice(), 1024), Err(FrameError::TruncatedBody { .. })));
    }
}
