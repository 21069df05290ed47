package io.sluice.sql;

import io.sluice.sql.analyze.Catalog;
import io.sluice.sql.analyze.TypeMapping;
import io.sluice.sql.lower.Bounds;
import io.sluice.sql.lower.Plan;
import io.sluice.sql.lower.RelLowering;
import io.sluice.sql.lower.UnsupportedPlanException;
import io.sluice.sql.parse.DdlPreprocessor;
import io.sluice.sql.parse.SqlParsing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.ddl.SqlColumnDeclaration;
import org.apache.calcite.sql.ddl.SqlCreateMaterializedView;
import org.apache.calcite.sql.ddl.SqlCreateTable;
import org.apache.calcite.sql.ddl.SqlCreateView;
import org.apache.calcite.sql.ddl.SqlKeyConstraint;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Compiles a Sluice SQL program (CREATE TABLE and CREATE [MATERIALIZED | LOCAL] VIEW statements) into a
 * {@link CompiledProgram}: parse (after the {@link DdlPreprocessor} pre-pass), build the catalog,
 * validate each view with Calcite, convert it to a relational plan and lower that to engine
 * operators. Anything unsupported is refused with its position; nothing is run wrong.
 */
public final class SqlCompiler {
    private SqlCompiler() {
    }

    public static CompiledProgram compile(String programText) {
        DdlPreprocessor.Result pre = DdlPreprocessor.process(programText);
        SqlNodeList statements = SqlParsing.parseProgram(pre.text());
        Catalog catalog = new Catalog();
        List<Relation> tables = new ArrayList<>();
        List<Relation> views = new ArrayList<>();
        List<Relation> localViews = new ArrayList<>();
        List<String> viewOrder = new ArrayList<>();
        Map<String, Map<String, String>> properties = new LinkedHashMap<>();
        Map<String, Map<Integer, Object>> lateness = new LinkedHashMap<>();
        Map<String, Plan> plans = new LinkedHashMap<>();
        Map<String, Map<String, String>> viewProperties = new LinkedHashMap<>();
        int tableIndex = 0;
        int viewIndex = 0;
        for (SqlNode statement : statements) {
            if (statement instanceof SqlCreateTable create) {
                DdlPreprocessor.TableExtras extras = pre.tables().get(tableIndex++);
                Relation table = table(create, extras);
                catalog.add(table, create.name.getParserPosition());
                tables.add(table);
                properties.put(table.name(), extras.properties());
                lateness.put(table.name(), lateness(table, extras));
            } else if (statement instanceof SqlCreateView view) {
                Relation v = view(catalog, plans, view.name, view.columnList, view.query, false);
                boolean local = viewIndex < pre.localViews().size() && pre.localViews().get(viewIndex);
                viewProperties.put(v.name(), pre.views().get(viewIndex));
                viewIndex++;
                (local ? localViews : views).add(v);
                viewOrder.add(v.name());
            } else if (statement instanceof SqlCreateMaterializedView view) {
                Relation v = view(catalog, plans, view.name, view.columnList, view.query, true);
                views.add(v);
                viewProperties.put(v.name(), pre.views().get(viewIndex));
                viewIndex++;
                viewOrder.add(v.name());
            } else {
                throw error(statement.getParserPosition(), "statement " + statement.getKind().sql
                        + " is not supported; a program holds CREATE TABLE and CREATE [MATERIALIZED | LOCAL] VIEW statements");
            }
        }
        return new CompiledProgram(programText, tables, views, localViews, viewOrder, properties, viewProperties,
                lateness, plans, catalog);
    }

    private static final Pattern INTERVAL = Pattern.compile(
            "(?i)INTERVAL\\s+'\\s*(\\d+)\\s*'\\s+(SECOND|MINUTE|HOUR|DAY)S?(\\s*\\(\\s*\\d+\\s*\\))?");

    /**
     * The LATENESS of each column that declares one, as the engine takes it: a {@link Duration}
     * for a TIMESTAMP column ({@code INTERVAL 'n' SECOND | MINUTE | HOUR | DAY}), a {@link Long} for
     * an integer column (an integer literal).
     */
    private static Map<Integer, Object> lateness(Relation table, DdlPreprocessor.TableExtras extras) {
        Map<Integer, Object> out = new LinkedHashMap<>();
        extras.lateness().forEach((name, l) -> {
            int index = -1;
            for (int i = 0; i < table.columns().size(); i++) {
                if (table.columns().get(i).name().equals(name)) {
                    index = i;
                }
            }
            ColumnType.Kind kind = table.columns().get(index).type().kind();
            String text = l.expression().trim();
            Object value = null;
            if (kind == ColumnType.Kind.TIMESTAMP) {
                Matcher m = INTERVAL.matcher(text);
                if (m.matches()) {
                    long n = Long.parseLong(m.group(1));
                    value = switch (m.group(2).toUpperCase(Locale.ROOT)) {
                        case "SECOND" -> Duration.ofSeconds(n);
                        case "MINUTE" -> Duration.ofMinutes(n);
                        case "HOUR" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    };
                }
            } else if (kind == ColumnType.Kind.TINYINT || kind == ColumnType.Kind.SMALLINT
                    || kind == ColumnType.Kind.INTEGER || kind == ColumnType.Kind.BIGINT) {
                if (text.matches("\\d+")) {
                    value = Long.parseLong(text);
                }
            } else {
                throw new SqlCompileException(l.line(), l.column(), "LATENESS is only supported on TIMESTAMP and "
                        + "integer columns; column '" + name + "' is " + table.columns().get(index).type());
            }
            if (value == null) {
                throw new SqlCompileException(l.line(), l.column(), "LATENESS of column '" + name + "' must be "
                        + (kind == ColumnType.Kind.TIMESTAMP ? "an interval literal such as INTERVAL '1' HOUR "
                        + "(SECOND, MINUTE, HOUR or DAY)" : "a non-negative integer literal") + ", not " + text);
            }
            out.put(index, value);
        });
        return out;
    }

    private static Relation table(SqlCreateTable create, DdlPreprocessor.TableExtras extras) {
        String name = simpleName(create.name);
        if (create.query != null) {
            throw error(create.query.getParserPosition(), "CREATE TABLE ... AS is not supported");
        }
        if (create.columnList == null) {
            throw error(create.getParserPosition(), "CREATE TABLE needs a column list");
        }
        List<String> names = new ArrayList<>();
        List<ColumnType> types = new ArrayList<>();
        List<Boolean> nullable = new ArrayList<>();
        List<SqlIdentifier> keyNames = new ArrayList<>();
        SqlParserPos keyPos = null;
        for (SqlNode element : create.columnList) {
            if (element instanceof SqlColumnDeclaration column) {
                String columnName = simpleName(column.name);
                if (names.contains(columnName)) {
                    throw error(column.name.getParserPosition(), "duplicate column '" + columnName + "'");
                }
                if (column.expression != null) {
                    throw error(column.expression.getParserPosition(), "column DEFAULT values are not supported");
                }
                names.add(columnName);
                types.add(TypeMapping.fromSpec(column.dataType));
                nullable.add(!Boolean.FALSE.equals(column.dataType.getNullable()));
            } else if (element instanceof SqlKeyConstraint key && key.getKind() == SqlKind.PRIMARY_KEY) {
                if (keyPos != null) {
                    throw error(key.getParserPosition(), "a table has at most one PRIMARY KEY");
                }
                keyPos = key.getParserPosition();
                for (SqlNode k : (SqlNodeList) key.getOperandList().get(1)) {
                    keyNames.add((SqlIdentifier) k);
                }
            } else {
                throw error(element.getParserPosition(), "table constraint " + element.getKind().sql
                        + " is not supported");
            }
        }
        if (keyPos != null && !extras.primaryKeyColumns().isEmpty()) {
            throw error(keyPos, "PRIMARY KEY is declared both on a column and for the table");
        }
        List<Integer> key = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (SqlIdentifier k : keyNames) {
            int index = names.indexOf(simpleName(k));
            if (index < 0) {
                throw error(k.getParserPosition(), "PRIMARY KEY column '" + simpleName(k) + "' is not a column of "
                        + name);
            }
            if (seen.add(index)) {
                key.add(index);
            }
        }
        for (String k : extras.primaryKeyColumns()) {
            int index = names.indexOf(k);
            if (index >= 0 && seen.add(index)) {
                key.add(index);
            }
        }
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            columns.add(new Column(names.get(i), types.get(i), nullable.get(i) && !seen.contains(i)));
        }
        boolean materialized = "true".equalsIgnoreCase(extras.properties().getOrDefault("materialized", "false"));
        return new Relation(name, columns, key, materialized);
    }

    private static Relation view(Catalog catalog, Map<String, Plan> plans, SqlIdentifier nameId,
            SqlNodeList columnList, SqlNode query, boolean materialized) {
        String name = simpleName(nameId);
        if (catalog.relation(name).isPresent()) {
            throw error(nameId.getParserPosition(), "a table or view named '" + name + "' already exists");
        }
        Catalog.Analyzed analyzed = catalog.analyze(query);
        RelRoot root = analyzed.root();
        List<String> names = new ArrayList<>();
        for (var field : root.fields) {
            names.add(field.getValue());
        }
        if (columnList != null) {
            if (columnList.size() != names.size()) {
                throw error(columnList.getParserPosition(), "the view lists " + columnList.size()
                        + " column names but its query has " + names.size() + " columns");
            }
            names.clear();
            for (SqlNode c : columnList) {
                names.add(simpleName((SqlIdentifier) c));
            }
        }
        Set<String> unique = new HashSet<>();
        for (String n : names) {
            if (!unique.add(n)) {
                throw error(query.getParserPosition(), "view " + name + " has two columns named '" + n
                        + "'; give them distinct names with AS");
            }
        }
        List<Column> columns = Catalog.columns(root.validatedRowType, names, query.getParserPosition());
        RelNode rel = root.rel;
        if (rel instanceof Sort sort && sort.fetch == null && sort.offset == null) {
            rel = sort.getInput(); // a view is a set of rows: its ORDER BY has nothing to order
        }
        Plan plan = lower(catalog, rel, root, query.getParserPosition(), "view " + name);
        Relation view = new Relation(name, columns, List.of(), materialized);
        catalog.add(view, nameId.getParserPosition());
        plans.put(name, plan);
        return view;
    }

    /** Lowers {@code rel} and applies the root's final projection; positions errors at {@code pos}. */
    static Plan lower(Catalog catalog, RelNode rel, RelRoot root, SqlParserPos pos) {
        return lower(catalog, rel, root, pos, null);
    }

    /** As above; {@code context} (e.g. {@code "view v"}) prefixes runtime errors of the plan's expressions. */
    static Plan lower(Catalog catalog, RelNode rel, RelRoot root, SqlParserPos pos, String context) {
        try {
            RelLowering lowering = new RelLowering(rel.getCluster().getRexBuilder(), context);
            Plan plan = lowering.lower(rel);
            if (root == null || root.isRefTrivial()) {
                return plan;
            }
            int[] fields = root.fields.stream().mapToInt(f -> f.getKey()).toArray();
            Bounds.Monotone[] copies = new Bounds.Monotone[fields.length];
            for (int i = 0; i < fields.length; i++) {
                copies[i] = new Bounds.Monotone(fields[i], v -> v);
            }
            return new Plan.Map(plan, row -> row.project(fields), copies);
        } catch (UnsupportedPlanException e) {
            throw error(pos, e.getMessage());
        }
    }

    static String simpleName(SqlIdentifier id) {
        if (!id.isSimple()) {
            throw error(id.getParserPosition(), "qualified name " + id + " is not supported");
        }
        return id.getSimple();
    }

    static SqlCompileException error(SqlParserPos pos, String message) {
        return new SqlCompileException(pos.getLineNum(), pos.getColumnNum(), message);
    }

    /** Resolves a name as written in a URL or by a user: quoted names exactly, others case-insensitively. */
    static <T> java.util.Optional<T> lookup(Map<String, T> byName, String written) {
        if (written.length() >= 2 && written.startsWith("\"") && written.endsWith("\"")) {
            return java.util.Optional.ofNullable(byName.get(written.substring(1, written.length() - 1)
                    .replace("\"\"", "\"")));
        }
        T exact = byName.get(written.toLowerCase(Locale.ROOT));
        if (exact != null) {
            return java.util.Optional.of(exact);
        }
        List<T> matches = new ArrayList<>();
        for (Map.Entry<String, T> e : byName.entrySet()) {
            if (e.getKey().equalsIgnoreCase(written)) {
                matches.add(e.getValue());
            }
        }
        return matches.size() == 1 ? java.util.Optional.of(matches.get(0)) : java.util.Optional.empty();
    }
}
