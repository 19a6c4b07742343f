package org.tapegrad.layers.random;

import java.util.Random;

/**
 * A {@link Random} whose whole state can be read and restored, so a training run that draws from it (shuffling,
 * sampling batches, dropout masks) continues after a restart with exactly the numbers it would have drawn.
 * {@code java.util.Random} hides its seed and its cached Gaussian, so it cannot be checkpointed; this generator is
 * SplitMix64 (Steele, Lea &amp; Flood 2014: a 64-bit counter passed through a mixing function), with its own cached
 * second Gaussian of the polar method as part of the state. Every method of {@code Random} works on it (they all
 * draw through {@link #next(int)} or {@link #nextGaussian()}). Not thread-safe.
 */
public final class ResumableRandom extends Random {

    private static final long serialVersionUID = 1L;
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    // Assigned by setSeed, which Random's constructor calls before this class's field initializers would run: no
    // initializers here, or they would overwrite the seed.
    private long counter;
    private boolean hasSpareGaussian;
    private double spareGaussian;

    /** A generator started from {@code seed}. */
    public ResumableRandom(long seed) {
        super(seed);
    }

    /** A generator continuing from a saved {@link #state()}. */
    public static ResumableRandom restoredFrom(RandomState state) {
        ResumableRandom r = new ResumableRandom(0);
        r.restore(state);
        return r;
    }

    @Override
    public void setSeed(long seed) {
        counter = seed;
        hasSpareGaussian = false;
        spareGaussian = 0;
    }

    @Override
    protected int next(int bits) {
        return (int) (nextMixed() >>> (64 - bits));
    }

    @Override
    public long nextLong() {
        return nextMixed();
    }

    @Override
    public double nextGaussian() {
        if (hasSpareGaussian) {
            hasSpareGaussian = false;
            return spareGaussian;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double factor = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        spareGaussian = v * factor;
        hasSpareGaussian = true;
        return u * factor;
    }

    /** Everything that determines the numbers drawn next. */
    public RandomState state() {
        return new RandomState(counter, hasSpareGaussian, spareGaussian);
    }

    /** Continues from {@code state}: the next draws are those that followed when it was taken. */
    public void restore(RandomState state) {
        counter = state.counter();
        hasSpareGaussian = state.hasSpareGaussian();
        spareGaussian = state.spareGaussian();
    }

    private long nextMixed() {
        long z = counter += GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
