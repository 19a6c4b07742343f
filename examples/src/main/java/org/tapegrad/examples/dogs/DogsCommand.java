package org.tapegrad.examples.dogs;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.tapegrad.examples.cli.Checks;
import org.tapegrad.examples.cli.OutputFolder;
import org.tapegrad.examples.io.CsvTable;
import org.tapegrad.examples.io.MatrixText;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dogs}: the worked toy of docs/theory.md §4, forward, BPTT and one SGD step, printed. */
@Command(name = "dogs", mixinStandardHelpOptions = true,
        description = {"The toy RNN of docs/theory.md §4: reads d, o, g and predicts o, g, s.",
            "Prints hidden states and predictions, the cross-entropy of \"dogs\", the BPTT gradients of W_hh, W_xh, W_hy "
                + "and the matrices after one SGD step. Writes dogs-steps.csv and dogs-matrices.csv."})
public final class DogsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private OutputFolder output = new OutputFolder();

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.1", description = "SGD learning rate γ in W ← W − γ ∂L/∂W (default: ${DEFAULT-VALUE}).")
    private double learningRate;

    /** Files written by the last run. */
    private final List<Path> written = new ArrayList<>();

    @Override
    public Integer call() {
        Checks.positive(spec, "--lr", learningRate);
        Path folder = output.prepare();
        PrintWriter out = spec.commandLine().getOut();
        written.clear();

        DogsToy toy = new DogsToy();
        List<DogsToy.Step> steps = toy.forwardBackward();
        out.println("dogs — docs/theory.md §4: sigmoid RNN, H = 3, vocabulary {d, o, g, s}, no biases, h0 = 0");
        out.println();
        DogsToy.Step first = steps.get(0);
        out.println("reading 'd':  h_1 = " + MatrixText.vector(first.hidden(), 2) + "   ŷ_1 = " + MatrixText.vector(first.prediction(), 2));
        out.println();
        out.printf(" %s  %s  %s  %-26s %-34s %s%n", "t", "in", "target", "h_t", "ŷ_t (d, o, g, s)", "−log ŷ_t[target]");
        CsvTable stepTable = new CsvTable("t", "input", "target", "h1", "h2", "h3", "p_d", "p_o", "p_g", "p_s", "loss");
        double total = 0;
        for (int t = 0; t < steps.size(); t++) {
            DogsToy.Step s = steps.get(t);
            total += s.loss();
            out.printf(" %d  %c   %c       %-26s %-34s %s%n", t + 1, s.input(), s.target(), MatrixText.vector(s.hidden(), 4),
                    MatrixText.vector(s.prediction(), 4), MatrixText.number(s.loss(), 4));
            double[] h = s.hidden();
            double[] p = s.prediction();
            stepTable.add(t + 1, String.valueOf(s.input()), String.valueOf(s.target()), h[0], h[1], h[2], p[0], p[1], p[2], p[3], s.loss());
        }
        out.println();
        out.println("total cross-entropy L(\"dogs\") = " + MatrixText.number(total, 4) + " nats");
        out.println();

        List<double[][]> before = new ArrayList<>();
        List<double[][]> grads = new ArrayList<>();
        for (Parameter p : toy.parameters()) {
            before.add(Layout.toRowMajor(p.value()));
            grads.add(Layout.toRowMajor(p.grad()));
        }
        out.println("gradients from BPTT (the tape summed the contributions of all three steps):");
        for (int k = 0; k < grads.size(); k++) {
            out.println("  ∂L/∂" + toy.parameters().get(k).name() + " =");
            out.print(MatrixText.matrix(grads.get(k), 4, "    "));
        }
        toy.sgdStep(learningRate);
        out.println();
        out.println("after one SGD step, W ← W − " + learningRate + "·∂L/∂W:");
        CsvTable matrices = new CsvTable("matrix", "row", "col", "value", "gradient", "after_sgd");
        for (int k = 0; k < grads.size(); k++) {
            Parameter p = toy.parameters().get(k);
            double[][] after = Layout.toRowMajor(p.value());
            out.println("  " + p.name() + " =");
            out.print(MatrixText.matrix(after, 4, "    "));
            for (int i = 0; i < after.length; i++) {
                for (int j = 0; j < after[i].length; j++) {
                    matrices.add(p.name(), i, j, before.get(k)[i][j], grads.get(k)[i][j], after[i][j]);
                }
            }
        }
        written.add(stepTable.write(folder.resolve("dogs-steps.csv")));
        written.add(matrices.write(folder.resolve("dogs-matrices.csv")));
        out.println();
        out.println("wrote " + written.get(0) + " and " + written.get(1));
        out.flush();
        return 0;
    }

    /** The files the last {@link #call()} wrote. */
    public List<Path> written() {
        return List.copyOf(written);
    }
}
