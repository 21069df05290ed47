package io.sluice.bench.report;

import static java.util.Objects.requireNonNull;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The report's PNG charts, drawn with Java2D into a {@link BufferedImage} and written with
 * {@link ImageIO} (headless; needs only a font, which fontconfig provides). Two kinds: grouped bars
 * per category with optional target lines, and lines over an x axis. Either axis may be logarithmic;
 * a log axis spans whole decades and skips values that are not positive.
 */
public final class Charts {
    /** Every chart is this size, in pixels. */
    public static final int WIDTH = 960;
    public static final int HEIGHT = 540;

    static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x9467bd), new Color(0x8c564b),
    };
    private static final Color TARGET = new Color(0xd62728);
    private static final int LEFT = 100;
    private static final int RIGHT = 30;
    private static final int TOP = 70;
    private static final int BOTTOM = 80;

    private Charts() {
    }

    /** One series of a bar chart: a value per category, {@code NaN} where it has none. */
    public record BarSeries(String name, double[] values) {
        public BarSeries {
            requireNonNull(name, "name is null");
            values = values.clone();
        }
    }

    /** One series of a line chart: points (x[i], y[i]). */
    public record LineSeries(String name, double[] x, double[] y) {
        public LineSeries {
            requireNonNull(name, "name is null");
            if (x.length != y.length) {
                throw new IllegalArgumentException("x and y differ in length: " + x.length + ", " + y.length);
            }
            x = x.clone();
            y = y.clone();
        }
    }

    /**
     * Grouped bars: for each category one bar per series. {@code targets} (null for none) holds per
     * category a horizontal line across its group ({@code NaN}: no line there), named {@code targetName}.
     */
    public static BufferedImage bars(String title, String yLabel, List<String> categories, List<BarSeries> series,
            boolean logY, double[] targets, String targetName) {
        for (BarSeries s : series) {
            if (s.values().length != categories.size()) {
                throw new IllegalArgumentException("series " + s.name() + " has " + s.values().length
                        + " values for " + categories.size() + " categories");
            }
        }
        List<Double> all = new ArrayList<>();
        series.forEach(s -> add(all, s.values()));
        if (targets != null) {
            add(all, targets);
        }
        Axis y = Axis.of(all, logY);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = start(image, title);
        try {
            drawYAxis(g, y, yLabel);
            int plotWidth = WIDTH - LEFT - RIGHT;
            int groups = Math.max(1, categories.size());
            double groupWidth = plotWidth / (double) groups;
            double barWidth = groupWidth * 0.8 / Math.max(1, series.size());
            Font small = g.getFont().deriveFont(10f);
            for (int c = 0; c < categories.size(); c++) {
                double x0 = LEFT + c * groupWidth + groupWidth * 0.1;
                for (int s = 0; s < series.size(); s++) {
                    double v = series.get(s).values()[c];
                    if (!y.shows(v)) {
                        continue;
                    }
                    int top = y.pixel(v);
                    int bx = (int) Math.round(x0 + s * barWidth);
                    int bw = Math.max(1, (int) Math.round(barWidth) - 2);
                    g.setColor(PALETTE[s % PALETTE.length]);
                    g.fillRect(bx, top, bw, y.bottom() - top);
                    g.setColor(Color.DARK_GRAY);
                    g.setFont(small);
                    String text = shortNumber(v);
                    int tw = g.getFontMetrics().stringWidth(text);
                    g.drawString(text, bx + (bw - tw) / 2, top - 3);
                }
                if (targets != null && y.shows(targets[c])) {
                    int ty = y.pixel(targets[c]);
                    Stroke old = g.getStroke();
                    g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f));
                    g.setColor(TARGET);
                    g.drawLine((int) (LEFT + c * groupWidth + 2), ty, (int) (LEFT + (c + 1) * groupWidth - 2), ty);
                    g.setStroke(old);
                }
                g.setColor(Color.BLACK);
                g.setFont(small.deriveFont(12f));
                FontMetrics fm = g.getFontMetrics();
                String name = categories.get(c);
                g.drawString(name, (int) (LEFT + c * groupWidth + (groupWidth - fm.stringWidth(name)) / 2),
                        y.bottom() + 18);
            }
            List<String> names = new ArrayList<>();
            List<Color> colors = new ArrayList<>();
            for (int s = 0; s < series.size(); s++) {
                names.add(series.get(s).name());
                colors.add(PALETTE[s % PALETTE.length]);
            }
            if (targets != null && targetName != null) {
                names.add(targetName);
                colors.add(TARGET);
            }
            legend(g, names, colors);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Lines with a marker at each point, sorted by x. */
    public static BufferedImage lines(String title, String xLabel, String yLabel, List<LineSeries> series,
            boolean logX, boolean logY) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        series.forEach(s -> {
            add(xs, s.x());
            add(ys, s.y());
        });
        Axis y = Axis.of(ys, logY);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = start(image, title);
        try {
            drawYAxis(g, y, yLabel);
            Axis x = Axis.of(xs, logX);
            int plotWidth = WIDTH - LEFT - RIGHT - 40;
            g.setFont(g.getFont().deriveFont(11f));
            FontMetrics fm = g.getFontMetrics();
            for (double tick : x.ticks()) {
                int px = LEFT + 20 + (int) Math.round(x.fraction(tick) * plotWidth);
                g.setColor(Color.GRAY);
                g.drawLine(px, y.bottom(), px, y.bottom() + 5);
                String label = shortNumber(tick);
                g.setColor(Color.BLACK);
                g.drawString(label, px - fm.stringWidth(label) / 2, y.bottom() + 18);
            }
            g.setFont(g.getFont().deriveFont(13f));
            fm = g.getFontMetrics();
            g.drawString(xLabel, LEFT + (plotWidth - fm.stringWidth(xLabel)) / 2, HEIGHT - BOTTOM + 45);
            List<String> names = new ArrayList<>();
            List<Color> colors = new ArrayList<>();
            g.setStroke(new BasicStroke(2f));
            g.setFont(g.getFont().deriveFont(11f));
            for (int s = 0; s < series.size(); s++) {
                LineSeries ls = series.get(s);
                Color color = PALETTE[s % PALETTE.length];
                names.add(ls.name());
                colors.add(color);
                List<int[]> points = new ArrayList<>();
                Integer[] order = new Integer[ls.x().length];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                java.util.Arrays.sort(order, (a, b) -> Double.compare(ls.x()[a], ls.x()[b]));
                for (int i : order) {
                    if (x.shows(ls.x()[i]) && y.shows(ls.y()[i])) {
                        points.add(new int[] {LEFT + 20 + (int) Math.round(x.fraction(ls.x()[i]) * plotWidth),
                            y.pixel(ls.y()[i])});
                    }
                }
                g.setColor(color);
                List<String> labels = new ArrayList<>();
                for (int i : order) {
                    if (x.shows(ls.x()[i]) && y.shows(ls.y()[i])) {
                        labels.add(shortNumber(ls.y()[i]));
                    }
                }
                for (int i = 0; i < points.size(); i++) {
                    int[] p = points.get(i);
                    g.fillOval(p[0] - 4, p[1] - 4, 9, 9);
                    g.drawString(labels.get(i), p[0] + 7, p[1] - 6);
                    if (i > 0) {
                        int[] q = points.get(i - 1);
                        g.drawLine(q[0], q[1], p[0], p[1]);
                    }
                }
            }
            legend(g, names, colors);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Writes {@code image} as a PNG, creating the parent directories. */
    public static void writePng(BufferedImage image, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in ImageIO");
        }
    }

    /** 1234567 as {@code 1.23M}, 0.47 as {@code 0.47}: three significant digits and a suffix. */
    static String shortNumber(double v) {
        double a = Math.abs(v);
        if (a >= 1e9) {
            return trim(v / 1e9) + "G";
        }
        if (a >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (a >= 1e3) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        double a = Math.abs(v);
        String s = a >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : a >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : a >= 1 ? String.format(Locale.ROOT, "%.2f", v)
                : String.format(Locale.ROOT, "%.3g", v);
        if (s.contains(".") && !s.contains("e")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }

    private static void add(List<Double> out, double[] values) {
        for (double v : values) {
            if (Double.isFinite(v)) {
                out.add(v);
            }
        }
    }

    private static Graphics2D start(BufferedImage image, String title) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        FontMetrics fm = g.getFontMetrics();
        g.drawString(title, (image.getWidth() - fm.stringWidth(title)) / 2, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return g;
    }

    private static void drawYAxis(Graphics2D g, Axis y, String label) {
        g.setFont(g.getFont().deriveFont(11f));
        FontMetrics fm = g.getFontMetrics();
        for (double tick : y.ticks()) {
            int py = y.pixel(tick);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(LEFT, py, WIDTH - RIGHT, py);
            g.setColor(Color.BLACK);
            String text = shortNumber(tick);
            g.drawString(text, LEFT - 8 - fm.stringWidth(text), py + fm.getAscent() / 2 - 1);
        }
        g.setColor(Color.BLACK);
        g.drawLine(LEFT, TOP, LEFT, y.bottom());
        g.drawLine(LEFT, y.bottom(), WIDTH - RIGHT, y.bottom());
        g.setFont(g.getFont().deriveFont(13f));
        fm = g.getFontMetrics();
        String text = label + (y.log() ? " (log scale)" : "");
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(text, -(TOP + (y.bottom() - TOP + fm.stringWidth(text)) / 2), 22);
        g.setTransform(saved);
    }

    private static void legend(Graphics2D g, List<String> names, List<Color> colors) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        int x = LEFT + 10;
        int y = TOP - 22;
        for (int i = 0; i < names.size(); i++) {
            g.setColor(colors.get(i));
            g.fillRect(x, y - 10, 14, 10);
            g.setColor(Color.BLACK);
            g.drawString(names.get(i), x + 19, y);
            x += 19 + fm.stringWidth(names.get(i)) + 22;
        }
    }

    /** A value axis from the bottom of the plot (y = HEIGHT - BOTTOM) to its top. */
    private record Axis(double min, double max, boolean log) {
        static Axis of(List<Double> values, boolean log) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double v : values) {
                if (log && v <= 0) {
                    continue;
                }
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            if (log) {
                if (lo == Double.POSITIVE_INFINITY) {
                    return new Axis(1, 10, true);
                }
                double a = Math.floor(Math.log10(lo));
                double b = Math.ceil(Math.log10(hi));
                return new Axis(Math.pow(10, a), Math.pow(10, b == a ? a + 1 : b), true);
            }
            if (hi == Double.NEGATIVE_INFINITY || hi <= 0) {
                return new Axis(0, 1, false);
            }
            return new Axis(0, niceCeiling(hi * 1.1), false);
        }

        static double niceCeiling(double v) {
            double decade = Math.pow(10, Math.floor(Math.log10(v)));
            for (double m : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
                if (m * decade >= v) {
                    return m * decade;
                }
            }
            return 10 * decade;
        }

        boolean shows(double v) {
            return Double.isFinite(v) && (!log || v > 0);
        }

        double fraction(double v) {
            return log ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
                    : (v - min) / (max - min);
        }

        int bottom() {
            return HEIGHT - BOTTOM;
        }

        int pixel(double v) {
            return bottom() - (int) Math.round(fraction(v) * (bottom() - TOP));
        }

        List<Double> ticks() {
            List<Double> out = new ArrayList<>();
            if (log) {
                for (double t = min; t <= max * 1.0001; t *= 10) {
                    out.add(t);
                }
            } else {
                for (int i = 0; i <= 5; i++) {
                    out.add(min + (max - min) * i / 5);
                }
            }
            return out;
        }
    }
}
