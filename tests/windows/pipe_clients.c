/* Test-only client for the daemon's named pipe under Wine (scripts/test-windows.sh builds it with
 * MinGW; never shipped). Opens N connections to PIPE and holds them without sending anything,
 * prints "opened N", then for each line read on standard input prints "closed C of N": how many
 * of them the daemon has disconnected since (PeekNamedPipe fails on a pipe the server closed).
 * Exits at end of input.
 *   pipe_clients.exe PIPE N */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: pipe_clients PIPE N\n");
        return 2;
    }
    const char *name = argv[1];
    int n = atoi(argv[2]);
    HANDLE *h = calloc((size_t)n, sizeof(HANDLE));
    if (!h) return 2;
    for (int i = 0; i < n; i++) {
        for (int tries = 0;; tries++) {
            h[i] = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
            if (h[i] != INVALID_HANDLE_VALUE) break;
            DWORD e = GetLastError();
            if (e != ERROR_PIPE_BUSY || tries > 200) {
                fprintf(stderr, "connection %d: CreateFile failed with error %lu\n", i, e);
                return 1;
            }
            WaitNamedPipeA(name, 100);
        }
    }
    printf("opened %d\n", n);
    fflush(stdout);
    char line[64];
    while (fgets(line, sizeof line, stdin)) {
        int closed = 0;
        for (int i = 0; i < n; i++) {
            DWORD avail = 0;
            if (!PeekNamedPipe(h[i], NULL, 0, NULL, &avail, NULL)) closed++;
        }
        printf("closed %d of %d\n", closed, n);
        fflush(stdout);
    }
    return 0;
}
