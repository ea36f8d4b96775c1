/*
 * ui.h: the ncurses front end. Includes src/ headers; src/ never includes
 * this one.
 */
#ifndef UI_H
#define UI_H

#include "launchready.h"

/*
 * Runs the wizard for COMMAND_START, COMMAND_NEW (cl->arg: domain to
 * pre-fill) or COMMAND_RESUME (cl->arg: session name). Returns the exit
 * status. Needs a terminal on standard input and output.
 */
int ui_run(struct cmdline *cl);

#endif
