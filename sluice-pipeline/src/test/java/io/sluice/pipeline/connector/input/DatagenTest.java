package io.sluice.pipeline.connector.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.pipeline.config.ConfigException;
import io.sluice.pipeline.config.EndpointConfig;
import io.sluice.pipeline.config.EndpointConfigParser;
import io.sluice.pipeline.controller.Controller;
import io.sluice.sql.CompiledProgram;
import io.sluice.sql.SqlCompiler;
import java.math.BigDecimal;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DatagenTest {
    /** The example of docs/connectors.md. */
    private static final String PROGRAM = """
            CREATE TABLE bids (id BIGINT NOT NULL, auction INT NOT NULL, price DECIMAL(10, 2), ts TIMESTAMP) WITH ('connectors' = '[{
              "transport": {"name": "datagen", "config": {"seed": 7, "plan": [{"limit": 1000000, "rate": 50000, "fields": {
                "auction": {"strategy": "uniform", "range": [0, 1000]},
                "price": {"strategy": "uniform", "range": [1, 500]},
                "ts": {"scale": 10}}}]}}}]');
            """;

    private static Datagen datagen(String program) throws ConfigException {
        CompiledProgram p = SqlCompiler.compile(program);
        var table = p.tables().get(0);
        EndpointConfig c = EndpointConfigParser.parseSqlProperty(table.name(), p.tableProperties(table.name()).get("connectors")).get(0);
        Controller controller = new Controller(p.newCircuit(), Optional.empty(), "test", Optional.empty(), new Controller.Counters());
        return new Datagen(c, table, new Feed(controller, controller.endpoints().addInput(c.name(), table.name(), false), 10, () -> true));
    }

    @Test
    void rows_areAPureFunctionOfTheirIndex() throws Exception {
        Datagen a = datagen(PROGRAM);
        Datagen b = datagen(PROGRAM);
        assertThat(a.generate(500, 600)).isEqualTo(b.generate(500, 600));
        assertThat(a.generate(0, 1000).subList(500, 600)).isEqualTo(b.generate(500, 600));
        var row = a.generate(3, 4).get(0).row();
        assertThat(row.get(0)).isEqualTo(3L);
        assertThat((Integer) row.get(1)).isBetween(0, 999);
        assertThat((BigDecimal) row.get(2)).isBetween(BigDecimal.ONE, BigDecimal.valueOf(500));
        assertThat(a.replay(Datagen.position(10), Datagen.position(20))).isEqualTo(a.generate(10, 20));
    }

    @Test
    void unknownSettingsAndColumns_areRefused() {
        assertThatThrownBy(() -> datagen(PROGRAM.replace("\"seed\"", "\"sead\"")))
                .hasMessageContaining("has no setting 'sead'");
        assertThatThrownBy(() -> datagen(PROGRAM.replace("\"auction\":", "\"auktion\":")))
                .hasMessageContaining("no column 'auktion'");
    }
}
