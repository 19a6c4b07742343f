package example;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.tapegrad.layers.Linear;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.LstmState;
import org.tapegrad.layers.optim.Adam;
import org.tapegrad.layers.seq.Unroll;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/** A user's program: an LSTM learns to output the mean of five inputs. */
public final class TrainLstm {

    public static void main(String[] args) {
        double[] losses = train();
        System.out.printf("tapegrad consumer: mean loss of the first 20 steps %.4f, of the last 20 %.6f%n", losses[0], losses[1]);
    }

    /** 200 Adam steps; returns the mean loss of the first 20 and of the last 20. */
    public static double[] train() {
        Random r = new Random(1);
        LstmCell lstm = new LstmCell("lstm", 1, 8, 1.0, r);
        Linear head = new Linear("head", 8, 1, true, r);
        List<Parameter> params = new ArrayList<>(lstm.parameters());
        params.addAll(head.parameters());
        Adam adam = Adam.of(0.02);
        double first = 0;
        double last = 0;
        for (int it = 0; it < 200; it++) {
            Tape tape = new Tape();
            List<Var> xs = new ArrayList<>();
            double sum = 0;
            double[][] target = new double[1][1];
            for (int t = 0; t < 5; t++) {
                double x = r.nextDouble();
                sum += x;
                xs.add(tape.constant(new double[][] {{x}}));
            }
            target[0][0] = sum / 5;
            List<Var> hs = Unroll.run(lstm, tape, xs, lstm.initialState(tape, 1)).outputs();
            Var loss = head.apply(hs.get(hs.size() - 1)).squaredError(tape.constant(target)).sum();
            tape.backward(loss);
            adam.step(params);
            params.forEach(Parameter::zeroGrad);
            if (it < 20) {
                first += loss.item();
            } else if (it >= 180) {
                last += loss.item();
            }
        }
        return new double[] {first / 20, last / 20};
    }
}
