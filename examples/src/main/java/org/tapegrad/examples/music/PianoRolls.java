package org.tapegrad.examples.music;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.tapegrad.examples.cli.UserInputException;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

/**
 * Polyphonic music as binary piano rolls, read from the JSON format of {@code shared/data/README.md}:
 * {@code {"train":[seq...],"valid":[...],"test":[...]}}, a sequence being a list of time steps and a step a list of
 * sounding MIDI note numbers ({@code []} is silence).
 *
 * <p>Each step becomes a row of {@link #PITCHES} = 88 zeros and ones, one per piano key from MIDI {@link #LOWEST} = 21
 * (A0) to 108 (C8), the representation of Boulanger-Lewandowski et al. 2012 and Chung et al. 2014.
 *
 * @param train training sequences, each {@code T×88}
 * @param valid validation sequences
 * @param test test sequences
 */
public record PianoRolls(List<double[][]> train, List<double[][]> valid, List<double[][]> test) {

    /** Number of piano keys, the width of one step. */
    public static final int PITCHES = 88;
    /** MIDI number of the lowest key (A0). */
    public static final int LOWEST = 21;

    /** A new data set keeping only the first {@code n} sequences of each split (for smoke runs). */
    public PianoRolls firstSequences(int n) {
        return new PianoRolls(train.subList(0, Math.min(n, train.size())), valid.subList(0, Math.min(n, valid.size())),
                test.subList(0, Math.min(n, test.size())));
    }

    /** Total number of time steps of a split. */
    public static long steps(List<double[][]> split) {
        long n = 0;
        for (double[][] s : split) {
            n += s.length;
        }
        return n;
    }

    /**
     * Reads and validates a file, as strict JSON in UTF-8.
     *
     * @throws UserInputException naming the file and the first problem found (missing, not JSON, a split absent or
     *     empty, a note that is not an integer in 21–108, an empty sequence)
     */
    public static PianoRolls load(Path file) {
        JsonElement root = strictJson(file);
        if (!root.isJsonObject()) {
            throw new UserInputException(where(file, null) + "expected a JSON object {\"train\":[...],\"valid\":[...],\"test\":[...]}");
        }
        JsonObject o = root.getAsJsonObject();
        return new PianoRolls(split(file, o, "train"), split(file, o, "valid"), split(file, o, "test"));
    }

    private static List<double[][]> split(Path file, JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null || !e.isJsonArray() || e.getAsJsonArray().isEmpty()) {
            throw new UserInputException(where(file, name) + "expected a non-empty list of sequences under \"" + name + "\"");
        }
        List<double[][]> out = new ArrayList<>();
        JsonArray seqs = e.getAsJsonArray();
        for (int s = 0; s < seqs.size(); s++) {
            out.add(sequence(file, name, s, seqs.get(s)));
        }
        return List.copyOf(out);
    }

    private static double[][] sequence(Path file, String split, int s, JsonElement e) {
        String at = split + " sequence " + s;
        if (!e.isJsonArray() || e.getAsJsonArray().isEmpty()) {
            throw new UserInputException(where(file, at) + "expected a non-empty list of time steps");
        }
        JsonArray steps = e.getAsJsonArray();
        double[][] roll = new double[steps.size()][PITCHES];
        for (int t = 0; t < steps.size(); t++) {
            JsonElement step = steps.get(t);
            if (!step.isJsonArray()) {
                throw new UserInputException(where(file, at + " step " + t) + "expected a list of MIDI note numbers, found " + step);
            }
            for (JsonElement note : step.getAsJsonArray()) {
                int midi = midi(note);
                if (midi < LOWEST || midi >= LOWEST + PITCHES) {
                    throw new UserInputException(where(file, at + " step " + t) + "note " + note + " is not a MIDI number of a piano key ("
                            + LOWEST + "–" + (LOWEST + PITCHES - 1) + ")");
                }
                roll[t][midi - LOWEST] = 1;
            }
        }
        return roll;
    }

    private static int midi(JsonElement note) {
        if (!note.isJsonPrimitive() || !note.getAsJsonPrimitive().isNumber()) {
            return Integer.MIN_VALUE;
        }
        double d = note.getAsDouble();
        return d == Math.rint(d) && Math.abs(d) < 1e6 ? (int) d : Integer.MIN_VALUE;
    }

    /**
     * The file parsed as strict JSON (RFC 8259: quoted keys, no comments, no trailing content) from strict UTF-8; a
     * folder, a binary file and malformed JSON each get a message naming the file and what was expected.
     */
    private static JsonElement strictJson(Path file) {
        if (Files.isDirectory(file)) {
            throw new UserInputException("music data file " + file + " is a folder; expected a JSON file");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw new UserInputException("music data file " + file + " does not exist");
        } catch (CharacterCodingException e) {
            throw new UserInputException("music data file " + file + " is not UTF-8 text (a binary file?); expected JSON");
        } catch (IOException e) {
            throw new UserInputException("cannot read music data file " + file + ": " + e.getMessage(), e);
        }
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement root = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new UserInputException("music data file " + file + " is not valid JSON: content after the top-level value");
            }
            return root;
        } catch (JsonParseException | IOException | IllegalStateException e) {
            throw new UserInputException("music data file " + file + " is not valid JSON: " + rootMessage(e), e);
        }
    }

    private static String where(Path file, String at) {
        return "music data file " + file + (at == null ? "" : ", " + at) + ": ";
    }

    private static String rootMessage(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage();
    }
}
