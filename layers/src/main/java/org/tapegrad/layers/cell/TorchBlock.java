package org.tapegrad.layers.cell;

import java.util.List;
import java.util.Objects;

import org.ojalgo.matrix.store.MatrixStore;
import org.tapegrad.tape.Layout;
import org.tapegrad.tape.Parameter;

/**
 * One weight block of a cell as it appears in a PyTorch {@code state_dict()}: which tensor (by base name, e.g.
 * {@code weight_ih}; a network adds {@code _l<k>[_reverse]}) holds which tapegrad parameter, and how the two layouts
 * relate. Conversions move values and gradients both ways.
 */
public sealed interface TorchBlock {

    /** PyTorch's tensor names of this block, in {@code state_dict()} order. */
    List<String> names();

    /** The tapegrad parameter the block maps. */
    Parameter parameter();

    /** PyTorch's shapes of the tensors, one per name ({@code [n]} for 1-D). */
    List<int[]> torchShapes();

    /**
     * PyTorch's tensors (row-major, 1-D as one row) holding {@code v}, our parameter's value or gradient;
     * {@code gradient} says which, for blocks whose export differs (a sum's second part is 0 as a value, the
     * gradient itself as a gradient).
     */
    List<double[][]> toTorch(MatrixStore<Double> v, boolean gradient);

    /** Our parameter's value from PyTorch's tensors (shapes already checked against {@link #torchShapes()}). */
    MatrixStore<Double> fromTorch(List<double[][]> tensors);

    /** PyTorch's {@code [rows, cols]} holds our {@code cols×rows} parameter transposed ({@code weight_ih = wxᵀ}). */
    record Transposed(String name, Parameter parameter) implements TorchBlock {
        public Transposed {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(parameter, "parameter");
        }

        @Override
        public List<String> names() {
            return List.of(name);
        }

        @Override
        public List<int[]> torchShapes() {
            return List.of(new int[] {parameter.shape().cols(), parameter.shape().rows()});
        }

        @Override
        public List<double[][]> toTorch(MatrixStore<Double> v, boolean gradient) {
            return List.<double[][]>of(Layout.toRowMajor(v.transpose()));
        }

        @Override
        public MatrixStore<Double> fromTorch(List<double[][]> tensors) {
            return Layout.matrix(tensors.get(0)).transpose();
        }
    }

    /** PyTorch's {@code [rows, cols]} is our parameter as it is (e.g. a projection stored {@code in×out}). */
    record Same(String name, Parameter parameter) implements TorchBlock {
        public Same {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(parameter, "parameter");
        }

        @Override
        public List<String> names() {
            return List.of(name);
        }

        @Override
        public List<int[]> torchShapes() {
            return List.of(new int[] {parameter.shape().rows(), parameter.shape().cols()});
        }

        @Override
        public List<double[][]> toTorch(MatrixStore<Double> v, boolean gradient) {
            return List.<double[][]>of(Layout.toRowMajor(v));
        }

        @Override
        public MatrixStore<Double> fromTorch(List<double[][]> tensors) {
            return Layout.matrix(tensors.get(0));
        }
    }

    /** PyTorch's 1-D {@code [n]} is our {@code 1×n} row (a bias, a peephole, a gain). */
    record Vector(String name, Parameter parameter) implements TorchBlock {
        public Vector {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(parameter, "parameter");
            if (parameter.shape().rows() != 1) {
                throw new IllegalArgumentException("TorchBlock.Vector " + name + ": parameter " + parameter.name() + " is "
                        + parameter.shape() + ", expected one row");
            }
        }

        @Override
        public List<String> names() {
            return List.of(name);
        }

        @Override
        public List<int[]> torchShapes() {
            return List.of(new int[] {parameter.shape().cols()});
        }

        @Override
        public List<double[][]> toTorch(MatrixStore<Double> v, boolean gradient) {
            return List.<double[][]>of(Layout.toRowMajor(v));
        }

        @Override
        public MatrixStore<Double> fromTorch(List<double[][]> tensors) {
            return Layout.matrix(tensors.get(0));
        }
    }

    /**
     * Two 1-D PyTorch tensors that only ever appear as a sum, kept as that sum {@code 1×n} ({@code bias_ih + bias_hh}
     * of {@code nn.RNN}/{@code nn.LSTM}). Export writes {@code first = p, second = 0}; import sets
     * {@code p = first + second}; each of the two gradients is {@code p}'s gradient.
     */
    record Summed(String first, String second, Parameter parameter) implements TorchBlock {
        public Summed {
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(second, "second");
            if (parameter.shape().rows() != 1) {
                throw new IllegalArgumentException("TorchBlock.Summed " + first + ": parameter " + parameter.name() + " is "
                        + parameter.shape() + ", expected one row");
            }
        }

        @Override
        public List<String> names() {
            return List.of(first, second);
        }

        @Override
        public List<int[]> torchShapes() {
            return List.of(new int[] {parameter.shape().cols()}, new int[] {parameter.shape().cols()});
        }

        @Override
        public List<double[][]> toTorch(MatrixStore<Double> v, boolean gradient) {
            double[][] b = Layout.toRowMajor(v);
            return List.of(b, gradient ? new double[][] {b[0].clone()} : new double[1][b[0].length]);
        }

        @Override
        public MatrixStore<Double> fromTorch(List<double[][]> tensors) {
            double[] a = tensors.get(0)[0];
            double[] b = tensors.get(1)[0];
            double[][] sum = new double[1][a.length];
            for (int j = 0; j < a.length; j++) {
                sum[0][j] = a[j] + b[j];
            }
            return Layout.matrix(sum);
        }
    }
}
