/* session.c: resumable sessions (stub until the session store lands). */

#include "config.h"

#include "launchready.h"
