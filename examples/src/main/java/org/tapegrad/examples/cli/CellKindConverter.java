package org.tapegrad.examples.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.tapegrad.examples.model.CellKind;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code --cell rnn|lstm|gru} (any case) and names the choices, in lower case, when the value is unknown. */
public final class CellKindConverter implements ITypeConverter<CellKind> {

    @Override
    public CellKind convert(String value) {
        for (CellKind k : CellKind.values()) {
            if (k.name().equalsIgnoreCase(value.strip().replace('-', '_'))) {
                return k;
            }
        }
        String choices = Arrays.stream(CellKind.values()).map(k -> k.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
        throw new TypeConversionException("unknown cell '" + value + "' (expected one of " + choices + ")");
    }
}
