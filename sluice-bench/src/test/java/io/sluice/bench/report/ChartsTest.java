package io.sluice.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
    @TempDir
    Path dir;

    @Test
    void bars_drawTheSeriesColours_andTheTargetLine() throws Exception {
        BufferedImage image = Charts.bars("t", "events/s", List.of("q0", "q1"),
                List.of(new Charts.BarSeries("a", new double[] {1000, 2_000_000}),
                        new Charts.BarSeries("b", new double[] {Double.NaN, 50})),
                true, new double[] {1_000_000, Double.NaN}, "target");
        Path file = dir.resolve("bars.png");
        Charts.writePng(image, file);

        BufferedImage read = ImageIO.read(file.toFile());
        assertThat(read.getWidth()).isEqualTo(Charts.WIDTH);
        assertThat(read.getHeight()).isEqualTo(Charts.HEIGHT);
        assertThat(colours(read)).contains(Charts.PALETTE[0].getRGB() & 0xffffff, Charts.PALETTE[1].getRGB() & 0xffffff,
                0xd62728);
    }

    @Test
    void lines_onLogAxes_skipNonPositivePoints() throws Exception {
        BufferedImage image = Charts.lines("t", "rows", "ms", List.of(
                new Charts.LineSeries("s", new double[] {1000, 0, 100_000}, new double[] {5, 7, -1})), true, true);
        assertThat(image.getWidth()).isEqualTo(Charts.WIDTH);
        assertThat(colours(image)).contains(Charts.PALETTE[0].getRGB() & 0xffffff);
    }

    @Test
    void bars_refuseASeriesOfTheWrongLength() {
        assertThatThrownBy(() -> Charts.bars("t", "y", List.of("a", "b"),
                List.of(new Charts.BarSeries("s", new double[] {1})), false, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 values for 2 categories");
    }

    @Test
    void shortNumber() {
        assertThat(Charts.shortNumber(1_234_567)).isEqualTo("1.23M");
        assertThat(Charts.shortNumber(450_514)).isEqualTo("451k");
        assertThat(Charts.shortNumber(0.695)).isEqualTo("0.695");
        assertThat(Charts.shortNumber(1000)).isEqualTo("1k");
    }

    private static java.util.Set<Integer> colours(BufferedImage image) {
        java.util.Set<Integer> out = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                out.add(image.getRGB(x, y) & 0xffffff);
            }
        }
        return out;
    }
}
