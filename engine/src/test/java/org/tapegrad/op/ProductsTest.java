package org.tapegrad.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.R064Store;
import org.tapegrad.kernel.Kernels;

class ProductsTest {

    @Test
    void storeLevelProductChecksShapesAndAliasing() {
        Kernels kernels = Kernels.defaults();
        R064Store a = R064Store.FACTORY.make(3, 4);
        R064Store b = R064Store.FACTORY.make(5, 6);
        R064Store c = R064Store.FACTORY.make(3, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Products.multiply(kernels, a, false, b, false, c, false));
        assertEquals("gemm: op(A) 3×4, op(B) 5×6, C 3×6: shapes do not fit", e.getMessage());
        R064Store sq = R064Store.FACTORY.make(3, 3);
        assertThrows(IllegalArgumentException.class, () -> Products.multiply(kernels, sq, false, sq, false, sq, false));
    }
}
