/* The signals that end a session (signals.h). */
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "signals.h"

static const int ending[] = {SIGINT,  SIGTERM,	 SIGHUP,  SIGQUIT, SIGUSR1, SIGUSR2,
			     SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGPWR};

int signals_take(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	sigemptyset(&set);
	for (unsigned i = 0; i < sizeof(ending) / sizeof(ending[0]); i++)
		sigaddset(&set, ending[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int signals_read(int fd)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return 0;
	return (int)si.ssi_signo;
}
