// fcgiapp.h only: fcgi_stdio.h redefines stdin/printf with macros Swift cannot see (stack-notes pitfall 2).
#include <fcgiapp.h>
