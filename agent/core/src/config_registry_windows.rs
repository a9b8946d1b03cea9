//! Reads the Windows registry policy (`HKLM\SOFTWARE\Policies\Promptwall`, 64-bit view) for
//! `config.rs`: every value of the key and of its `trusted_keys` subkey, REG_EXPAND_SZ expanded.
//! Raw advapi32/kernel32 declarations (five functions) instead of a bindings crate, as in the
//! CLI's `pipe_windows.rs`. Compiled only for Windows: CI lints it for x86_64-pc-windows-gnu and
//! runs it under Wine with keys written by `wine reg add` (tests/windows/wine_checks.py).

use super::{RegValue, RegistryPolicy, POLICY_KEY, POLICY_TRUSTED_KEYS};
use anyhow::{bail, Result};
use std::ffi::c_void;

type Hkey = *mut c_void;
const HKEY_LOCAL_MACHINE: Hkey = 0x8000_0002u32 as i32 as isize as Hkey;
const KEY_READ: u32 = 0x0002_0019;
const KEY_WOW64_64KEY: u32 = 0x0100;
const ERROR_SUCCESS: i32 = 0;
const ERROR_FILE_NOT_FOUND: i32 = 2;
const ERROR_MORE_DATA: i32 = 234;
const ERROR_NO_MORE_ITEMS: i32 = 259;
const REG_SZ: u32 = 1;
const REG_EXPAND_SZ: u32 = 2;
const REG_DWORD: u32 = 4;
const REG_QWORD: u32 = 11;
/// Registry value names are at most 16,383 characters.
const MAX_NAME: usize = 16_384;
/// A policy value larger than this is refused (a path, a URL, a base64 key: all far smaller).
const MAX_DATA: usize = 1 << 20;

#[link(name = "advapi32")]
extern "system" {
    fn RegOpenKeyExW(key: Hkey, sub_key: *const u16, options: u32, sam: u32, result: *mut Hkey) -> i32;
    fn RegEnumValueW(
        key: Hkey,
        index: u32,
        name: *mut u16,
        name_len: *mut u32,
        reserved: *mut u32,
        kind: *mut u32,
        data: *mut u8,
        data_len: *mut u32,
    ) -> i32;
    fn RegCloseKey(key: Hkey) -> i32;
}

#[link(name = "kernel32")]
extern "system" {
    fn ExpandEnvironmentStringsW(src: *const u16, dst: *mut u16, size: u32) -> u32;
}

fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(std::iter::once(0)).collect()
}

/// UTF-16 data up to its first NUL.
fn text(units: &[u16]) -> String {
    let end = units.iter().position(|&u| u == 0).unwrap_or(units.len());
    String::from_utf16_lossy(&units[..end])
}

fn expand(s: &str) -> String {
    let src = wide(s);
    let mut dst = vec![0u16; 4096];
    loop {
        // SAFETY: `src` is NUL-terminated; `dst` has `dst.len()` writable units.
        let n = unsafe { ExpandEnvironmentStringsW(src.as_ptr(), dst.as_mut_ptr(), dst.len() as u32) } as usize;
        if n == 0 {
            return s.to_string();
        }
        if n <= dst.len() {
            return text(&dst[..n]);
        }
        dst = vec![0u16; n];
    }
}

/// An open registry key, closed on drop.
struct Key(Hkey);

impl Drop for Key {
    fn drop(&mut self) {
        // SAFETY: a key this module opened, closed once.
        unsafe { RegCloseKey(self.0) };
    }
}

impl Key {
    /// Opens `HKLM\path` for reading in the 64-bit view; `None` when it does not exist.
    fn open(path: &str) -> Result<Option<Key>> {
        let mut h: Hkey = std::ptr::null_mut();
        let p = wide(path);
        // SAFETY: `p` is NUL-terminated; `h` receives a key handle on success.
        let rc = unsafe { RegOpenKeyExW(HKEY_LOCAL_MACHINE, p.as_ptr(), 0, KEY_READ | KEY_WOW64_64KEY, &mut h) };
        match rc {
            ERROR_SUCCESS => Ok(Some(Key(h))),
            ERROR_FILE_NOT_FOUND => Ok(None),
            rc => bail!("HKLM\\{path}: RegOpenKeyExW failed with error {rc}"),
        }
    }

    /// Every value of the key: its name and its data.
    fn values(&self) -> Result<Vec<(String, RegValue)>> {
        let mut out = Vec::new();
        let mut name = vec![0u16; MAX_NAME];
        let mut data = vec![0u8; 4096];
        let mut index = 0u32;
        loop {
            let mut name_len = name.len() as u32;
            let mut data_len = data.len() as u32;
            let mut kind = 0u32;
            // SAFETY: the buffers are as long as the lengths passed; the key handle is open.
            let rc = unsafe {
                RegEnumValueW(
                    self.0,
                    index,
                    name.as_mut_ptr(),
                    &mut name_len,
                    std::ptr::null_mut(),
                    &mut kind,
                    data.as_mut_ptr(),
                    &mut data_len,
                )
            };
            match rc {
                ERROR_SUCCESS => {}
                ERROR_NO_MORE_ITEMS => return Ok(out),
                ERROR_MORE_DATA if (data_len as usize) > data.len() && (data_len as usize) <= MAX_DATA => {
                    data = vec![0u8; data_len as usize];
                    continue; // the same index again, with room
                }
                rc => bail!("reading value {index}: RegEnumValueW failed with error {rc}"),
            }
            let n = String::from_utf16_lossy(&name[..(name_len as usize).min(name.len())]);
            let bytes = &data[..(data_len as usize).min(data.len())];
            let value = match kind {
                REG_SZ | REG_EXPAND_SZ => {
                    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
                    let s = text(&units);
                    RegValue::Str(if kind == REG_EXPAND_SZ { expand(&s) } else { s })
                }
                REG_DWORD if bytes.len() == 4 => RegValue::Dword(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])),
                REG_QWORD if bytes.len() == 8 => {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(bytes);
                    RegValue::Qword(u64::from_le_bytes(b))
                }
                other => RegValue::Other(other),
            };
            out.push((n, value));
            index += 1;
        }
    }
}

/// The registry policy, or `None` when the key does not exist.
pub fn read() -> Result<Option<RegistryPolicy>> {
    let Some(key) = Key::open(POLICY_KEY)? else { return Ok(None) };
    let values = key.values()?;
    let trusted_keys = match Key::open(&format!("{POLICY_KEY}\\{POLICY_TRUSTED_KEYS}"))? {
        Some(k) => Some(k.values()?),
        None => None,
    };
    Ok(Some(RegistryPolicy { values, trusted_keys }))
}
