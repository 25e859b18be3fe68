"""bridge: tasks, suites and the pipeline that joins synth and neural."""
