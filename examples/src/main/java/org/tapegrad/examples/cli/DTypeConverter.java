package org.tapegrad.examples.cli;


import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import org.tapegrad.op.DType;

/** Reads {@code --dtype f32|f64} (any case) and names the choices when the value is unknown. */
public final class DTypeConverter implements ITypeConverter<DType> {

    @Override
    public DType convert(String value) {
        for (DType d : DType.values()) {
            if (d.shortName().equalsIgnoreCase(value.strip())) {
                return d;
            }
        }
        throw new TypeConversionException("unknown dtype '" + value + "' (expected f32 or f64)");
    }
}
