package ai.metarouter.jobs.importers;

import ai.metarouter.jobs.io.HadoopFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The CSV files an {@code --input} names: the file itself, or every {@code *.csv} directly inside a
 * directory (hidden {@code .} and {@code _} files skipped), in name order. The split of each comes
 * from its name, {@code *_train.csv} or {@code *_test.csv}, as RouterDC's re-split names them.
 */
final class InputFiles {
    private static final Pattern SPLIT = Pattern.compile("(?i).*_(train|test)\\.csv");

    private InputFiles() {}

    static List<InputFile> list(Configuration conf, String input) {
        Path path = HadoopFiles.qualify(conf, input);
        FileSystem fs = HadoopFiles.fileSystem(conf, path);
        List<InputFile> files = new ArrayList<>();
        try {
            if (!fs.exists(path)) throw new ImportException("--input " + input + ": no such file or directory");
            if (fs.getFileStatus(path).isFile()) {
                files.add(of(path));
            } else {
                List<FileStatus> entries = new ArrayList<>(List.of(fs.listStatus(path)));
                entries.sort(Comparator.comparing(s -> s.getPath().getName()));
                for (FileStatus s : entries) {
                    String name = s.getPath().getName();
                    if (s.isFile() && !name.startsWith(".") && !name.startsWith("_")
                            && name.toLowerCase(Locale.ROOT).endsWith(".csv")) {
                        files.add(of(s.getPath()));
                    }
                }
                if (files.isEmpty()) throw new ImportException("--input " + input + ": directory has no .csv files");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list --input " + input + ": " + e.getMessage(), e);
        }
        return files;
    }

    private static InputFile of(Path path) {
        String name = path.getName();
        Matcher m = SPLIT.matcher(name);
        if (!m.matches()) {
            throw new ImportException(path + ": cannot tell the split from the file name (expected *_train.csv or *_test.csv)");
        }
        return new InputFile(path.toString(), name, m.group(1).toLowerCase(Locale.ROOT));
    }
}
