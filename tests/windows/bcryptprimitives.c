/* Test-only stand-in for Windows' bcryptprimitives.dll, for Wine releases without it (Wine 8.0,
 * Debian 12). Rust's standard library (1.78+) takes its random bytes from ProcessPrng in that DLL,
 * which every supported Windows (10 and later) ships; without it no Rust program starts under
 * such a Wine. scripts/test-windows.sh builds this with MinGW into the Wine prefix's system32,
 * never into the MSI. ProcessPrng is served by RtlGenRandom (advapi32 SystemFunction036). */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
    if (!RtlGenRandom(data, n)) return FALSE;
    data += n;
    len -= n;
  }
  return TRUE;
}
