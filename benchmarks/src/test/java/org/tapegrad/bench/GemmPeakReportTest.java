package org.tapegrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

/** The GEMM report divides each row's GFLOP/s by the FMA peak of its own dtype from the same JMH CSV. */
class GemmPeakReportTest {

    private static final String HEADER = "\"Benchmark\",\"Mode\",\"Threads\",\"Samples\",\"Score\",\"Score Error (99.9%)\",\"Unit\","
            + "\"Param: dtype\",\"Param: kernel\",\"Param: shape\",\"Param: threads\"";

    @Test
    void eachRowIsAFractionOfItsDtypesPeak() {
        List<String> csv = List.of(HEADER,
                "\"org.tapegrad.bench.FmaPeakBenchmark.fma\",\"avgt\",1,5,400.0,1.0,\"us/op\",f64,,,",
                "\"org.tapegrad.bench.FmaPeakBenchmark.fma\",\"avgt\",1,5,500.0,1.0,\"us/op\",f32,,,",
                "\"org.tapegrad.bench.GemmBenchmark.multiply\",\"avgt\",1,5,3000.0,10.0,\"us/op\",f64,vector,512x512x512,1",
                "\"org.tapegrad.bench.GemmBenchmark.multiply\",\"avgt\",1,5,50.0,1.0,\"us/op\",f32,vector,32x192x512:ABt,1");
        String report = GemmPeakReport.report("test.csv", csv);
        double peak64 = FmaPeakBenchmark.flopsPerCall("f64") / 400e-6 / 1e9;
        double peak32 = FmaPeakBenchmark.flopsPerCall("f32") / 500e-6 / 1e9;
        double gemm64 = 2.0 * 512 * 512 * 512 / 3000e-6 / 1e9;
        double gemm32 = 2.0 * 32 * 192 * 512 / 50e-6 / 1e9;
        assertTrue(report.contains(String.format(Locale.ROOT, "| 512x512x512 | vector | 1 | f64 | %.1f | %.3f |", gemm64, gemm64 / peak64)), report);
        assertTrue(report.contains(String.format(Locale.ROOT, "| 32x192x512:ABt | vector | 1 | f32 | %.1f | %.3f |", gemm32, gemm32 / peak32)), report);
    }

    @Test
    void productsThroughAPackedBAreLabelled() {
        List<String> csv = List.of(HEADER + ",\"Param: prepackedB\"",
                "\"org.tapegrad.bench.FmaPeakBenchmark.fma\",\"avgt\",1,5,500.0,1.0,\"us/op\",f32,,,,",
                "\"org.tapegrad.bench.GemmBenchmark.multiply\",\"avgt\",1,5,50.0,1.0,\"us/op\",f32,vector,32x192x512,1,false",
                "\"org.tapegrad.bench.GemmBenchmark.multiply\",\"avgt\",1,5,40.0,1.0,\"us/op\",f32,vector,32x192x512,1,true");
        String report = GemmPeakReport.report("test.csv", csv);
        assertTrue(report.contains("| 32x192x512 | vector | 1 | f32 | "), report);
        assertTrue(report.contains("| 32x192x512 (B packed once) | vector | 1 | f32 | "), report);
    }

    @Test
    void aMissingPeakIsNamed() {
        List<String> csv = List.of(HEADER,
                "\"org.tapegrad.bench.FmaPeakBenchmark.fma\",\"avgt\",1,5,400.0,1.0,\"us/op\",f64,,,",
                "\"org.tapegrad.bench.GemmBenchmark.multiply\",\"avgt\",1,5,50.0,1.0,\"us/op\",f32,vector,32x192x512,1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmPeakReport.report("run.csv", csv));
        assertEquals("run.csv: no FmaPeakBenchmark row for dtype f32; run FmaPeakBenchmark in the same run", e.getMessage());
    }
}
