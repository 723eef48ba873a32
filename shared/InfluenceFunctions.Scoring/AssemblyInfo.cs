using System.Runtime.CompilerServices;

// The scoring hot path keeps its small tables on the stack and initializes what it reads; zeroing every
// stackalloc first costs a measurable share of a user's few microseconds.
[module: SkipLocalsInit]
