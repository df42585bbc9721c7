package dev.echo.bench.compare;

import dev.echo.bench.load.LoadResult;
import java.util.function.ToDoubleFunction;

/**
 * One measured run against one server: what the load generator saw, and what the server process spent
 * meanwhile.
 *
 * @param load the load generator's result
 * @param cpu the server's CPU time and context switches in the measured window, or null where /proc
 *     could not be read (not Linux, or the process was gone)
 */
record ServerRun(LoadResult load, ProcessCpu cpu) {

    /** The server's cost per answer counted in the window, or null when unknown. */
    ProcessCpu.PerRequest perRequest() {
        return cpu == null ? null : cpu.per(load.measuredResponses());
    }

    /** {@code metric} of the cost per request, NaN when unknown: a table cell says "-" for it. */
    double perRequest(ToDoubleFunction<ProcessCpu.PerRequest> metric) {
        ProcessCpu.PerRequest perRequest = perRequest();
        return perRequest == null ? Double.NaN : metric.applyAsDouble(perRequest);
    }
}
