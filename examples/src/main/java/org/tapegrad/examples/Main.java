package org.tapegrad.examples;

import org.tapegrad.check.GradientCheck;
import org.tapegrad.check.GradientCheckReport;
import org.tapegrad.tape.Parameter;

/** Entry point of the examples tool. Until the subcommands land it gradient-checks a small expression. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Parameter x = Parameter.of("x", new double[][] {{0.5, -1.2, 2.0}, {0.1, 0.3, -0.7}});
        Parameter w = Parameter.of("W", new double[][] {{0.2, -0.4}, {1.1, 0.3}, {-0.5, 0.8}});
        Parameter b = Parameter.of("b", new double[][] {{0.05, -0.1}});
        GradientCheckReport report = GradientCheck.of(t -> t.param(x).matmul(w).plus(b).tanh().crossEntropy(1, 0).mean(), x, w, b).run();
        System.out.println("loss = mean(crossEntropy(tanh(x·W + b)))");
        System.out.println(report);
        if (!report.passed()) {
            System.exit(1);
        }
    }
}
