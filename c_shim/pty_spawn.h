/* Spawning a program on a new pseudo-terminal. One responsibility: fork/exec with the PTY as
 * the controlling terminal, nothing else inherited, and exec failures reported to the parent.
 * Used by src/pty/mod.rs. */
#ifndef UVTERM_PTY_SPAWN_H
#define UVTERM_PTY_SPAWN_H

#include <sys/types.h>

struct uvterm_spawn_opts {
    const char *file;           /* path to execute (already resolved against PATH) */
    char *const *argv;          /* NULL-terminated */
    char *const *envp;          /* NULL-terminated, complete environment of the child */
    const char *cwd;            /* working directory, or NULL to keep ours */
    unsigned short rows, cols, xpixel, ypixel;
    long nofile_soft;           /* RLIMIT_NOFILE soft limit for the child; < 0 keeps ours */
};

/* Which step failed (uvterm_spawn_result.stage). */
enum uvterm_spawn_stage {
    UVTERM_STAGE_OK = 0,
    UVTERM_STAGE_OPENPT,
    UVTERM_STAGE_UNLOCKPT,
    UVTERM_STAGE_OPEN_SLAVE,
    UVTERM_STAGE_PIPE,
    UVTERM_STAGE_FORK,
    UVTERM_STAGE_SETSID,
    UVTERM_STAGE_CTTY,
    UVTERM_STAGE_DUP,
    UVTERM_STAGE_CHDIR,
    UVTERM_STAGE_EXEC,
};

struct uvterm_spawn_result {
    int master_fd;              /* non-blocking, close-on-exec; -1 on failure */
    pid_t pid;                  /* the child: a session and process-group leader */
    int stage;                  /* enum uvterm_spawn_stage */
    int error;                  /* errno of the failed step */
};

/* Returns 0 on success, -1 with result->stage and result->error set. */
int uvterm_pty_spawn(const struct uvterm_spawn_opts *opts, struct uvterm_spawn_result *result);

/* TIOCSWINSZ on the master. Returns 0 or -1 with errno set. */
int uvterm_pty_resize(int master_fd, unsigned short rows, unsigned short cols,
                      unsigned short xpixel, unsigned short ypixel);

#endif
