// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import "./AmmPair.sol";

interface IWeth {
    function deposit() external payable;
    function withdraw(uint256 wad) external;
    function transfer(address to, uint256 amount) external returns (bool);
}

/// Router over single pairs with Uniswap v2's swap functions and flow: the input goes straight into
/// the pair, ETH legs are wrapped/unwrapped through WETH by the router.
contract AmmRouter {
    address public immutable weth;
    address public immutable owner;
    mapping(address => mapping(address => address)) public pairFor;

    constructor(address weth_) {
        weth = weth_;
        owner = msg.sender;
    }

    receive() external payable {
        require(msg.sender == weth, "only WETH");
    }

    function registerPair(address pair) external {
        require(msg.sender == owner, "not owner");
        address t0 = AmmPair(pair).token0();
        address t1 = AmmPair(pair).token1();
        pairFor[t0][t1] = pair;
        pairFor[t1][t0] = pair;
    }

    function getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) public pure returns (uint256) {
        uint256 amountInWithFee = amountIn * 997;
        return (amountInWithFee * reserveOut) / (reserveIn * 1000 + amountInWithFee);
    }

    function _quote(address tokenIn, address tokenOut, uint256 amountIn) private view returns (address pair, uint256 out, bool zeroIn) {
        pair = pairFor[tokenIn][tokenOut];
        require(pair != address(0), "no pair");
        (uint112 r0, uint112 r1, ) = AmmPair(pair).getReserves();
        zeroIn = AmmPair(pair).token0() == tokenIn;
        out = zeroIn ? getAmountOut(amountIn, r0, r1) : getAmountOut(amountIn, r1, r0);
    }

    function _swap(address pair, bool zeroIn, uint256 out, address to) private {
        AmmPair(pair).swap(zeroIn ? 0 : out, zeroIn ? out : 0, to);
    }

    function swapExactTokensForTokens(uint256 amountIn, uint256 amountOutMin, address[] calldata path, address to, uint256 deadline) external returns (uint256 out) {
        require(block.timestamp <= deadline, "expired");
        require(path.length == 2, "path");
        (address pair, uint256 o, bool zeroIn) = _quote(path[0], path[1], amountIn);
        require(o >= amountOutMin, "slippage");
        IErc20(path[0]).transferFrom(msg.sender, pair, amountIn);
        _swap(pair, zeroIn, o, to);
        return o;
    }

    function swapExactETHForTokens(uint256 amountOutMin, address[] calldata path, address to, uint256 deadline) external payable returns (uint256 out) {
        require(block.timestamp <= deadline, "expired");
        require(path.length == 2 && path[0] == weth, "path");
        (address pair, uint256 o, bool zeroIn) = _quote(weth, path[1], msg.value);
        require(o >= amountOutMin, "slippage");
        IWeth(weth).deposit{value: msg.value}();
        IWeth(weth).transfer(pair, msg.value);
        _swap(pair, zeroIn, o, to);
        return o;
    }

    function swapExactTokensForETH(uint256 amountIn, uint256 amountOutMin, address[] calldata path, address to, uint256 deadline) external returns (uint256 out) {
        require(block.timestamp <= deadline, "expired");
        require(path.length == 2 && path[1] == weth, "path");
        (address pair, uint256 o, bool zeroIn) = _quote(path[0], weth, amountIn);
        require(o >= amountOutMin, "slippage");
        IErc20(path[0]).transferFrom(msg.sender, pair, amountIn);
        _swap(pair, zeroIn, o, address(this));
        IWeth(weth).withdraw(o);
        (bool ok, ) = payable(to).call{value: o}("");
        require(ok, "send failed");
        return o;
    }
}
