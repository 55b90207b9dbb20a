//! What every Lineage circuit provides, and the builders the prover and the tests use.
//!
//! A circuit has a fixed shape (its profile), which alone decides the proving and
//! verifying keys, and lays any witness of that shape into a [`LineageBuilder`]
//! (halo2-base's builder beside the Poseidon lanes). Key generation uses
//! [`LineageCircuit::sample_witness`], so the keys never depend on anyone's data.

use halo2_base::{
    gates::circuit::CircuitBuilderStage, gates::flex_gate::MultiPhaseThreadBreakPoints,
    halo2_proofs::halo2curves::bn256::Fr, AssignedValue,
};

use crate::builder::{LineageBuilder, LineageParams};

/// Rows kept free at the bottom of every circuit for the prover's blinding factors.
pub const BLINDING_ROWS: usize = 20;

/// A Lineage circuit of a fixed shape.
pub trait LineageCircuit {
    /// The private and public inputs of one proof.
    type Witness;

    /// The circuit has 2^k rows.
    fn k(&self) -> u32;

    /// Bits of the range-check lookup table, or `None` when the circuit has no range checks.
    fn lookup_bits(&self) -> Option<usize>;

    /// A valid witness of this shape (deterministic, independent of any user's data): what
    /// key generation lays out.
    fn sample_witness(&self) -> Self::Witness;

    /// Lays out the circuit for `witness` and returns its public instances in layout order.
    fn synthesize(
        &self,
        builder: &mut LineageBuilder,
        witness: &Self::Witness,
    ) -> Vec<AssignedValue<Fr>>;
}

fn laid_out<C: LineageCircuit>(
    circuit: &C,
    mut builder: LineageBuilder,
    witness: &C::Witness,
) -> (LineageBuilder, Vec<Fr>) {
    builder.base.set_k(circuit.k() as usize);
    if let Some(bits) = circuit.lookup_bits() {
        builder.base.set_lookup_bits(bits);
    }
    builder.base.set_instance_columns(1);
    let instances = circuit.synthesize(&mut builder, witness);
    let values = instances.iter().map(|x| *x.value()).collect();
    builder.base.assigned_instances[0] = instances;
    (builder, values)
}

/// The circuit laid out for key generation (on the sample witness), with its
/// configuration computed. Keep `params()` and `base.break_points()` of the result: the
/// prover needs both.
pub fn keygen<C: LineageCircuit>(circuit: &C) -> LineageBuilder {
    let witness = circuit.sample_witness();
    let (mut builder, _) =
        laid_out(circuit, LineageBuilder::from_stage(CircuitBuilderStage::Keygen), &witness);
    builder.calculate_params(BLINDING_ROWS);
    builder
}

/// The circuit laid out for `witness` in the pinned configuration of key generation, with
/// the public instances it exposes.
pub fn prover<C: LineageCircuit>(
    circuit: &C,
    witness: &C::Witness,
    config: LineageParams,
    break_points: MultiPhaseThreadBreakPoints,
) -> (LineageBuilder, Vec<Fr>) {
    laid_out(circuit, LineageBuilder::prover(config, break_points), witness)
}

/// The circuit laid out for `witness` for `MockProver`, with its configuration computed,
/// and the public instances it exposes.
pub fn mock<C: LineageCircuit>(circuit: &C, witness: &C::Witness) -> (LineageBuilder, Vec<Fr>) {
    let (mut builder, values) =
        laid_out(circuit, LineageBuilder::from_stage(CircuitBuilderStage::Mock), witness);
    builder.calculate_params(BLINDING_ROWS);
    (builder, values)
}
