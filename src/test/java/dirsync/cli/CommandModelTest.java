package dirsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.app.StopSignal;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.ArgSpec;

/** The model built in code: what it gives picocli so that picocli need not find it by reflection. */
class CommandModelTest {

    @Test
    void everyPathIsReadByTheModelsOwnConverterNotByPicoclisReflection() {
        List<ArgSpec> paths = DirsyncCommand.commandLine(new StopSignal()).getCommandSpec().args().stream()
                .filter(arg -> arg.type() == Path.class || Arrays.asList(arg.auxiliaryTypes()).contains(Path.class))
                .toList();
        assertThat(paths).hasSize(8); // SOURCE, LOG_FILE, --ssh-key, --known-hosts, --ssh-config, --exclude-from,
        // --backup-dir, --status-file
        assertThat(paths).allSatisfy(arg -> assertThat(arg.converters()).singleElement()
                .isInstanceOf(Converters.PathConverter.class));
    }
}
