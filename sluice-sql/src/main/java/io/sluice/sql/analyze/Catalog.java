package io.sluice.sql.analyze;

import static java.util.Objects.requireNonNull;

import io.sluice.sql.Column;
import io.sluice.sql.Relation;
import io.sluice.sql.SqlCompileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.sql2rel.RelDecorrelator;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.Litmus;

/**
 * The relations of a program as Calcite sees them, and the validation and conversion of queries
 * against them. Views are registered as tables with their row type, not as view macros, so a
 * query over a view reads the view's stream instead of inlining its definition.
 */
public final class Catalog {
    /** The standard operators plus the few library functions Sluice supports (CONCAT, DATE_TRUNC). */
    private static final SqlOperatorTable OPERATORS = SqlOperatorTables.chain(SqlStdOperatorTable.instance(),
            caseInsensitive(SqlOperatorTables.of(SqlLibraryOperators.CONCAT_FUNCTION, SqlLibraryOperators.DATE_TRUNC)));

    /** Function names fold to lower case like every unquoted name; match built-in ones in any case. */
    private static SqlOperatorTable caseInsensitive(SqlOperatorTable table) {
        return new SqlOperatorTable() {
            @Override
            public void lookupOperatorOverloads(org.apache.calcite.sql.SqlIdentifier opName,
                    org.apache.calcite.sql.SqlFunctionCategory category, org.apache.calcite.sql.SqlSyntax syntax,
                    List<org.apache.calcite.sql.SqlOperator> operatorList,
                    org.apache.calcite.sql.validate.SqlNameMatcher nameMatcher) {
                table.lookupOperatorOverloads(opName, category, syntax, operatorList,
                        org.apache.calcite.sql.validate.SqlNameMatchers.withCaseSensitive(false));
            }

            @Override
            public List<org.apache.calcite.sql.SqlOperator> getOperatorList() {
                return table.getOperatorList();
            }
        };
    }

    private final JavaTypeFactoryImpl typeFactory = new SluiceTypeFactory();
    private final SchemaPlus root = CalciteSchema.createRootSchema(false, false).plus();
    private final CalciteConnectionConfig config;
    private final Map<String, Relation> relations = new LinkedHashMap<>();

    public Catalog() {
        Properties properties = new Properties();
        properties.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "true");
        this.config = new CalciteConnectionConfigImpl(properties);
    }

    public RelDataTypeFactory typeFactory() {
        return typeFactory;
    }

    public Optional<Relation> relation(String name) {
        return Optional.ofNullable(relations.get(name));
    }

    /** Registers a table or view; {@code pos} locates its name for a duplicate-name error. */
    public void add(Relation relation, SqlParserPos pos) {
        requireNonNull(relation, "relation is null");
        if (relations.containsKey(relation.name())) {
            throw new SqlCompileException(pos.getLineNum(), pos.getColumnNum(),
                    "a table or view named '" + relation.name() + "' already exists");
        }
        relations.put(relation.name(), relation);
        RelDataTypeFactory.Builder row = typeFactory.builder();
        for (Column c : relation.columns()) {
            row.add(c.name(), TypeMapping.toRelType(typeFactory, c.type(), c.nullable()));
        }
        RelDataType rowType = row.build();
        root.add(relation.name(), new AbstractTable() {
            @Override
            public RelDataType getRowType(RelDataTypeFactory factory) {
                return rowType;
            }
        });
    }

    /** A validated query and its plan. */
    public record Analyzed(SqlNode validated, RelRoot root) {
    }

    /** Validates {@code query} (mapping Calcite's errors to positions) and converts it to a plan. */
    public Analyzed analyze(SqlNode query) {
        CalciteCatalogReader reader = new CalciteCatalogReader(CalciteSchema.from(root), List.of(), typeFactory,
                config);
        SqlValidator validator = SqlValidatorUtil.newValidator(OPERATORS, reader, typeFactory,
                SqlValidator.Config.DEFAULT.withIdentifierExpansion(true));
        SqlNode validated;
        try {
            validated = validator.validate(query);
        } catch (CalciteContextException e) {
            throw new SqlCompileException(e.getPosLine(), e.getPosColumn(), validationMessage(e), e);
        } catch (RuntimeException e) {
            SqlParserPos pos = query.getParserPosition();
            throw new SqlCompileException(pos.getLineNum(), pos.getColumnNum(),
                    "invalid query: " + e.getMessage(), e);
        }
        UnsupportedChecker.check(validated);
        RelOptCluster cluster = RelOptCluster.create(new HepPlanner(HepProgram.builder().build()),
                new RexBuilder(typeFactory));
        SqlToRelConverter converter = new SqlToRelConverter(null, validator, reader, cluster,
                StandardConvertletTable.INSTANCE,
                SqlToRelConverter.config().withTrimUnusedFields(false).withExpand(false)
                        .withInSubQueryThreshold(Integer.MAX_VALUE)
                        // never merge projections while converting: Calcite's merge of a projection
                        // holding a correlated scalar subquery into the projection below rewrote its
                        // expressions over the lower input but kept that projection, so a computed
                        // column of a FROM subquery was computed twice (QueryFuzzTest seeds 6937, 10666)
                        .withRelBuilderConfigTransform(c -> c.withBloat(-1)));
        RelRoot relRoot;
        RelNode rewritten;
        try {
            relRoot = converter.convertQuery(validated, false, true);
            rewritten = rewrite(relRoot.rel);
        } catch (AssertionError | RuntimeException e) {
            throw plannerLimitation(query, e);
        }
        checkValid(rewritten, query);
        return new Analyzed(validated, relRoot.withRel(rewritten));
    }

    /**
     * The fixed rewrite program every query goes through. First subqueries in expressions (IN,
     * EXISTS, scalar subqueries, quantified comparisons) become joins and aggregates, correlated ones
     * through a correlate that Calcite's decorrelator then turns into joins; then WHERE conditions move into the joins they
     * constrain (so {@code FROM a, b WHERE a.x = b.y} is an equi-join, not a cross product filtered
     * afterwards) and single-side conditions move below the join; then each tree of inner joins is
     * put in an order where every join has a condition when the query allows it ({@link JoinOrder}).
     * No statistics or costs: the plan depends on the query alone.
     */
    private static RelNode rewrite(RelNode rel) {
        HepProgram subQueries = HepProgram.builder()
                .addRuleCollection(List.of(CoreRules.FILTER_SUB_QUERY_TO_CORRELATE,
                        CoreRules.PROJECT_SUB_QUERY_TO_CORRELATE, CoreRules.JOIN_SUB_QUERY_TO_CORRELATE))
                .build();
        HepPlanner removal = new HepPlanner(subQueries);
        removal.setRoot(rel);
        RelNode noSubQueries = removal.findBestExp();
        RelBuilder relBuilder = RelFactories.LOGICAL_BUILDER.create(rel.getCluster(), null);
        RelNode decorrelated = RelDecorrelator.decorrelateQuery(noSubQueries, relBuilder);
        return pushFilters(decorrelated);
    }

    private static RelNode pushFilters(RelNode rel) {
        HepProgram program = HepProgram.builder()
                .addRuleCollection(List.of(CoreRules.FILTER_PROJECT_TRANSPOSE, CoreRules.FILTER_INTO_JOIN,
                        CoreRules.JOIN_CONDITION_PUSH, CoreRules.FILTER_MERGE))
                .build();
        HepPlanner planner = new HepPlanner(program);
        planner.setRoot(rel);
        return JoinOrder.reorder(planner.findBestExp());
    }

    /**
     * Calcite fails on, or builds plans whose column types do not line up for, a few queries (seen
     * with a correlated scalar subquery in a SELECT list whose FROM is a subquery with outer joins,
     * or that compares an INT with a DECIMAL); such a plan could compute wrong values, so it is
     * refused. With Java assertions on, Calcite itself throws the AssertionError caught above.
     */
    private static void checkValid(RelNode rel, SqlNode query) {
        if (!rel.isValid(Litmus.IGNORE, null)) {
            throw plannerLimitation(query, null);
        }
        for (RelNode input : rel.getInputs()) {
            checkValid(input, query);
        }
    }

    private static SqlCompileException plannerLimitation(SqlNode query, Throwable cause) {
        SqlParserPos pos = query.getParserPosition();
        return new SqlCompileException(pos.getLineNum(), pos.getColumnNum(), "this query hits a limitation of the "
                + "planner (seen with correlated subqueries in a SELECT list over outer joins, or comparing columns of "
                + "different types): rewrite the subquery as a LEFT JOIN to a grouped subquery, or CAST the compared "
                + "columns to one type", cause);
    }

    private static String validationMessage(CalciteContextException e) {
        Throwable cause = e.getCause();
        String message = cause != null && cause.getMessage() != null ? cause.getMessage() : e.getMessage();
        return message;
    }

    /** The columns of a validated row type. */
    public static List<Column> columns(RelDataType rowType, List<String> names, SqlParserPos pos) {
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < rowType.getFieldCount(); i++) {
            RelDataType t = rowType.getFieldList().get(i).getType();
            var type = TypeMapping.fromRelType(t);
            if (type == null) {
                throw new SqlCompileException(pos.getLineNum(), pos.getColumnNum(),
                        "column '" + names.get(i) + "' has type " + t.getFullTypeString() + ", which is not supported");
            }
            if (!type.storable()) {
                throw new SqlCompileException(pos.getLineNum(), pos.getColumnNum(), "column '" + names.get(i)
                        + "' has type " + type + "; an interval can be used inside expressions but not stored in a "
                        + "column: convert it to a number, e.g. with EXTRACT or TIMESTAMPDIFF");
            }
            columns.add(new Column(names.get(i), type, t.isNullable()));
        }
        return columns;
    }
}
