// The retained heap, as every benchmark entry run with --heap measures it: two full collections
// (`gc()`, so the process must run under --expose-gc), then V8's heapUsed, in MB.
export function retainedMb() {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed / 1048576;
}
