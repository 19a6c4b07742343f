package org.tapegrad.tape;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link DeferredShare}: the columns a share keeps, and how a pass's wait moves the share. */
class DeferredShareTest {

    @Test
    void keptColumnsAreTheShareRoundedDownToWholeBlocksOfSixteen() {
        assertEquals(0, DeferredShare.keptColumns(512, 0));
        assertEquals(96, DeferredShare.keptColumns(512, 6));          // 512·6/32 = 96
        assertEquals(256, DeferredShare.keptColumns(512, DeferredShare.MAX_STEPS));
        assertEquals(16, DeferredShare.keptColumns(96, 6));           // 18 → 16
        assertEquals(0, DeferredShare.keptColumns(96, 5));            // 15 → 0
        assertEquals(0, DeferredShare.keptColumns(31, DeferredShare.MAX_STEPS));   // narrower than two blocks: all deferred
        assertEquals(1 << 29, DeferredShare.keptColumns(1 << 30, DeferredShare.MAX_STEPS));   // no overflow
    }

    @Test
    void theShareMovesTowardsWhoeverWaitedLessWithinNoneToHalf() {
        DeferredShare share = new DeferredShare();
        long pass = 1_000_000;   // tolerance 1 % = 10,000 ns
        share.update(0, 500_000, pass);
        assertEquals(0, share.steps(), "never below none");
        share.update(30_001, 20_000, pass);
        assertEquals(1, share.steps(), "the pass waited at the end more than the worker idled: keep more");
        share.update(30_000, 20_000, pass);
        assertEquals(1, share.steps(), "within the tolerance: balanced, hold");
        share.update(20_000, 30_000, pass);
        assertEquals(1, share.steps(), "within the tolerance the other way too");
        share.update(0, 10_001, pass);
        assertEquals(0, share.steps(), "the worker idled: give it a step back");
        for (int i = 0; i < 40; i++) {
            share.update(500_000, 0, pass);
        }
        assertEquals(DeferredShare.MAX_STEPS, share.steps(), "never above half");
        share.update(-1, 0, pass);
        assertEquals(DeferredShare.MAX_STEPS, share.steps(), "no worker took the queue: nothing learned");
        share.setSteps(99);
        assertEquals(DeferredShare.MAX_STEPS, share.steps());
        share.setSteps(-3);
        assertEquals(0, share.steps());
    }
}
