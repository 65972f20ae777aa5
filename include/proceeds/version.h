/* The tool version, recorded in every report. */
#ifndef PROCEEDS_VERSION_H
#define PROCEEDS_VERSION_H

#define PROCEEDS_VERSION "0.3.0"

#endif
