//! Key generation, proving and verification of one Lineage circuit: SHPLONK over KZG with
//! snark-verifier's Poseidon transcript, so every proof made here can be aggregated
//! ([`crate::aggregate`]).

pub use crate::error::Error;
use halo2_base::{
    gates::flex_gate::MultiPhaseThreadBreakPoints,
    halo2_proofs::{
        halo2curves::bn256::{Bn256, Fr, G1Affine},
        plonk::{create_proof, keygen_pk, keygen_vk, verify_proof, ProvingKey, VerifyingKey},
        poly::{
            commitment::ParamsProver,
            kzg::{
                commitment::{KZGCommitmentScheme, ParamsKZG},
                multiopen::{ProverSHPLONK, VerifierSHPLONK},
                strategy::SingleStrategy,
            },
        },
    },
};
use lineage_circuits::{builder::LineageParams, circuit, LineageCircuit};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use snark_verifier_sdk::{
    halo2::{PoseidonTranscript, POSEIDON_SPEC},
    snark_verifier::{
        pcs::kzg::KzgDecidingKey,
        system::halo2::{compile, Config},
        util::transcript::TranscriptRead,
        verifier::{plonk::PlonkProtocol, SnarkVerifier},
    },
    NativeLoader, PlonkVerifier, Snark, SHPLONK,
};

/// A circuit's proving key with the layout pinned at key generation.
#[derive(Debug)]
pub struct Keys {
    /// The proving key (it holds the verifying key).
    pub pk: ProvingKey<G1Affine>,
    /// Column configuration (the builder's and the Poseidon lanes') computed at key
    /// generation.
    pub config: LineageParams,
    /// Where the witness breaks across columns, computed at key generation.
    pub break_points: MultiPhaseThreadBreakPoints,
}

impl Keys {
    /// The verifying key.
    pub fn vk(&self) -> &VerifyingKey<G1Affine> {
        self.pk.get_vk()
    }
}

/// Generates the keys of `circuit` (laid out on its sample witness).
pub fn keygen<C: LineageCircuit>(params: &ParamsKZG<Bn256>, circuit: &C) -> Result<Keys, Error> {
    check_k(params, circuit)?;
    let builder = circuit::keygen(circuit);
    let vk = keygen_vk(params, &builder)?;
    let pk = keygen_pk(params, vk, &builder)?;
    let config = builder.params();
    let break_points = builder.base.break_points();
    Ok(Keys { pk, config, break_points })
}

/// The verifying key alone of `circuit` (no proving key): cheap enough to check that
/// cached keys still match the circuit's code.
pub fn vk<C: LineageCircuit>(
    params: &ParamsKZG<Bn256>,
    circuit: &C,
) -> Result<VerifyingKey<G1Affine>, Error> {
    check_k(params, circuit)?;
    Ok(keygen_vk(params, &circuit::keygen(circuit))?)
}

/// Proves `circuit` on `witness`; returns the proof and the public instances.
pub fn prove<C: LineageCircuit>(
    params: &ParamsKZG<Bn256>,
    keys: &Keys,
    circuit: &C,
    witness: &C::Witness,
) -> Result<(Vec<u8>, Vec<Fr>), Error> {
    check_k(params, circuit)?;
    let (builder, instances) =
        circuit::prover(circuit, witness, keys.config.clone(), keys.break_points.clone());
    let mut transcript =
        PoseidonTranscript::<NativeLoader, Vec<u8>>::from_spec(vec![], POSEIDON_SPEC.clone());
    create_proof::<KZGCommitmentScheme<Bn256>, ProverSHPLONK<'_, Bn256>, _, _, _, _>(
        params,
        &keys.pk,
        &[builder],
        &[&[&instances]],
        ChaCha20Rng::from_entropy(),
        &mut transcript,
    )?;
    Ok((transcript.finalize(), instances))
}

/// Whether `proof` verifies for `instances` under `vk`.
pub fn verify(
    params: &ParamsKZG<Bn256>,
    vk: &VerifyingKey<G1Affine>,
    proof: &[u8],
    instances: &[Fr],
) -> bool {
    let mut transcript =
        PoseidonTranscript::<NativeLoader, &[u8]>::from_spec(proof, POSEIDON_SPEC.clone());
    verify_proof::<KZGCommitmentScheme<Bn256>, VerifierSHPLONK<'_, Bn256>, _, _, _>(
        params.verifier_params(),
        vk,
        SingleStrategy::new(params),
        &[&[instances]],
        &mut transcript,
    )
    .is_ok()
}

/// Whether an aggregation proof, read from `transcript`, verifies for `instances` under
/// its compiled `protocol` (with the accumulator indices): its own opening and the
/// accumulator it carries, both decided natively. With the Keccak transcript these are the
/// generated verifier contract's checks.
pub(crate) fn verify_aggregation<T: TranscriptRead<G1Affine, NativeLoader>>(
    params: &ParamsKZG<Bn256>,
    protocol: &PlonkProtocol<G1Affine>,
    instances: &[Fr],
    transcript: &mut T,
) -> bool {
    let dk: KzgDecidingKey<Bn256> = (params.get_g()[0], params.g2(), params.s_g2()).into();
    let instances = vec![instances.to_vec()];
    PlonkVerifier::<SHPLONK>::read_proof(&dk, protocol, &instances, transcript)
        .and_then(|p| PlonkVerifier::<SHPLONK>::verify(&dk, protocol, &instances, &p))
        .is_ok()
}

/// A proof with what the aggregation needs to verify it in-circuit: the circuit's
/// compiled protocol and its instances.
pub fn snark(
    params: &ParamsKZG<Bn256>,
    vk: &VerifyingKey<G1Affine>,
    proof: Vec<u8>,
    instances: Vec<Fr>,
) -> Snark {
    let protocol = compile(params, vk, Config::kzg().with_num_instance(vec![instances.len()]));
    Snark::new(protocol, vec![instances], proof)
}

fn check_k<C: LineageCircuit>(params: &ParamsKZG<Bn256>, circuit: &C) -> Result<(), Error> {
    use halo2_base::halo2_proofs::poly::commitment::Params;
    if params.k() != circuit.k() {
        return Err(Error::WrongK { params: params.k(), circuit: circuit.k() });
    }
    Ok(())
}
